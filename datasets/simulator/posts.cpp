// The campaign simulator's post writers: templates and clauses with their slots filled, styled, decorated.

#include "posts.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "edits.h"

namespace sieve::datasets::simulator_engine {
namespace {

// ---------------------------------------------------------------------------------------------------------
// Slots.

std::string number(std::uint64_t n) { return std::to_string(n); }

// A politician as posts name them: full name, surname, or title and surname.
std::string name_form(const text::Politician& p, Lang lang, Rng& rng) {
  if (lang == text::kZh) {
    return rng.percent(60) ? std::string(p.name_zh) : std::string(p.title[lang]) + std::string(p.name_zh);
  }
  switch (rng.below(3)) {
    case 0:
      return std::string(p.name);
    case 1:
      return std::string(p.surname);
    default:
      return std::string(p.title[lang]) + " " + std::string(p.surname);
  }
}

std::string amount(Lang lang, Rng& rng) {
  const std::string millions = number(2 + rng.below(88)), tenths = number(rng.below(10));
  const std::string thousands = number(100 + rng.below(900));
  const std::uint64_t form = rng.below(3);
  switch (lang) {
    case text::kEn:
      return form == 0   ? "$" + millions + "." + tenths + " million"
             : form == 1 ? "$" + thousands + ",000"
                         : millions + " million dollars";
    case text::kFr:
      return form == 0   ? millions + "," + tenths + " millions $"
             : form == 1 ? thousands + " 000 $"
                         : millions + " millions de dollars";
    default:
      return form == 0   ? millions + tenths + "0万加元"
             : form == 1 ? thousands.substr(0, 2) + "." + thousands.substr(2) + "万加币"
                         : millions + "00万";
  }
}

std::string price(Lang lang, Rng& rng) {
  const std::string dollars = number(2 + rng.below(28));
  std::string cents = number(rng.below(100));
  if (cents.size() == 1) cents = "0" + cents;
  switch (lang) {
    case text::kEn:
      return "$" + dollars + "." + cents;
    case text::kFr:
      return dollars + "," + cents + " $";
    default:
      return dollars + "." + cents + (rng.percent(50) ? "刀" : "加元");
  }
}

const text::Phrases* find_slot(const std::vector<text::Slot>& slots, std::string_view name) {
  for (const text::Slot& slot : slots) {
    if (slot.name == name) return &slot.values;
  }
  return nullptr;
}

// What a post is about: its language, and for a campaign post the campaign and its target.
struct Topic {
  Lang lang = text::kEn;
  const text::Campaign* campaign = nullptr;
  const text::Politician* target = nullptr;
  // A campaign repeats a few claims: the same amount and the same time in every post of one claim, and
  // in every language (the amount and time banks are parallel across languages). 0 for organic posts.
  std::uint64_t claim = 0;
};

// Fills the {slots} of pattern. "{policy2}" is a second, different pick from "{policy}".
std::string fill(std::string_view pattern, const Topic& topic, Rng& rng) {
  std::string out;
  std::string_view previous_pick;
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    const std::size_t open = pattern.find('{', pos);
    out.append(pattern.substr(pos, open - pos));
    if (open == std::string_view::npos) break;
    const std::size_t close = pattern.find('}', open);
    std::string_view name = pattern.substr(open + 1, close - open - 1);
    pos = close + 1;
    const bool second = !name.empty() && name.back() == '2';
    if (second) name.remove_suffix(1);
    if (name == "target") {
      out += name_form(*topic.target, topic.lang, rng);
    } else if (name == "politician") {
      out += name_form(rng.pick(text::politicians()), topic.lang, rng);
    } else if (name == "amount" && topic.claim != 0) {
      Rng claim(mix(topic.claim, 1));
      out += amount(topic.lang, claim);
    } else if (name == "amount") {
      out += amount(topic.lang, rng);
    } else if (name == "price") {
      out += price(topic.lang, rng);
    } else {
      const text::Phrases* values =
          topic.campaign ? find_slot(topic.campaign->slots[topic.lang], name) : nullptr;
      if (values == nullptr) values = find_slot(text::language_text(topic.lang).slots, name);
      if (values == nullptr) throw std::logic_error("simulator: no filler for {" + std::string(name) + "}");
      std::size_t i = 0;
      if (name == "time" && topic.claim != 0) {
        Rng claim(mix(topic.claim, 2));
        i = claim.index(values->size());
      } else {
        i = rng.index(values->size());
      }
      if (second && values->size() > 1 && (*values)[i] == previous_pick) {
        i = (i + 1 + rng.index(values->size() - 1)) % values->size();
      }
      previous_pick = (*values)[i];
      out += previous_pick;
    }
  }
  if (topic.lang == text::kFr) contract_french(out);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Posts.
// Rewrites the post in the account's style. Returns whether it did: the machine and nonnative labels
// follow what was done to the text, never the account.
bool apply_style(std::string& s, Style style, Lang lang, bool organic, Rng& rng) {
  const text::LanguageText& t = text::language_text(lang);
  switch (style) {
    case Style::kPlain:
      return false;
    case Style::kMachine:
      if (rewrite(s, t.machine, whole_words(lang), 60, rng) == 0 || rng.percent(40)) {
        if (rng.percent(50)) {
          s.insert(0, rng.pick(t.machine_openers));
        } else {
          append_sentence(s, rng.pick(t.machine_closers), lang);
        }
      }
      return true;
    case Style::kLlm: {
      const bool opener = !organic && rng.percent(60);  // "Let us be clear:" frames opinions, not chores
      if (opener) s.insert(0, rng.pick(t.llm_openers));
      if (!opener || rng.percent(50))
        append_sentence(s, rng.pick(organic ? t.llm_life_closers : t.llm_closers), lang);
      return true;
    }
    case Style::kNonnative:
      if (rewrite(s, t.nonnative, whole_words(lang), 50, rng) == 0 || rng.percent(20)) {
        s.insert(0, rng.pick(t.nonnative_openers));
      }
      return true;
  }
  return false;
}

// Casing as people type it: all lower case, all capitals, or one shouted word.
void vary_case(std::string& s, int lower_pct, int upper_pct, int shout_pct, Rng& rng) {
  const int draw = static_cast<int>(rng.below(100));
  if (draw < lower_pct) {
    set_case(s, 0, s.size(), false);
  } else if (draw < lower_pct + upper_pct) {
    set_case(s, 0, s.size(), true);
  } else if (draw < lower_pct + upper_pct + shout_pct) {
    const auto words = latin_words(s, 4);
    if (!words.empty()) {
      const auto [begin, size] = words[rng.index(words.size())];
      set_case(s, begin, begin + size, true);
    }
  }
}

std::string url(Rng& rng, bool video) {
  static constexpr std::string_view kChars = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
  std::string link = video ? "https://youtu.be/" : rng.percent(50) ? "https://t.co/" : "https://bit.ly/";
  for (int i = 0, n = video ? 11 : 10; i < n; ++i) link += kChars[rng.index(kChars.size())];
  return link;
}

// The decorations every platform post may carry: a mention in front, hashtags, emoji, a link.
void decorate(std::string& s, Lang lang, std::string_view mention, const text::Phrases& hashtags,
              int hashtag_pct, const text::Phrases& emoji, int emoji_pct, int url_pct, bool video, Rng& rng) {
  const std::string_view space = lang == text::kZh && rng.percent(50) ? "" : " ";
  if (!hashtags.empty() && rng.percent(hashtag_pct)) {
    // One to three different tags, consecutive in the bank.
    std::string tags;
    const std::size_t first = rng.index(hashtags.size());
    const std::size_t count = std::min<std::size_t>(hashtags.size(), 1 + rng.index(3));
    for (std::size_t i = 0; i < count; ++i) (tags += ' ') += hashtags[(first + i) % hashtags.size()];
    if (rng.percent(80)) {
      s += tags;
    } else {
      s.insert(0, tags.substr(1) + " ");
    }
  }
  if (rng.percent(emoji_pct)) {
    s += space;
    for (std::uint64_t i = 0, n = 1 + rng.below(3); i < n; ++i) s += rng.pick(emoji);
  }
  if (rng.percent(url_pct)) (s += ' ') += url(rng, video);
  if (!mention.empty()) s.insert(0, "@" + std::string(mention) + " ");
}

void add_emphasis(std::string& s, Lang lang, Rng& rng) {
  static const text::Phrases kLatin = {"!!", "!!!", "?!", "!!1"};
  static const text::Phrases kChinese = {"！！", "！！！", "？！", "!!!"};
  const std::string_view bang = lang == text::kZh ? "！" : "!";
  if (ends_with(s, bang)) {
    s.resize(s.size() - bang.size());
    s += rng.pick(lang == text::kZh ? kChinese : kLatin);
  }
}

std::vector<std::string> split_sentences(std::string_view pattern) {
  std::vector<std::string> parts;
  for (std::size_t pos = 0; pos <= pattern.size();) {
    std::size_t bar = pattern.find('|', pos);
    if (bar == std::string_view::npos) bar = pattern.size();
    std::string_view part = pattern.substr(pos, bar - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    parts.emplace_back(part);
    pos = bar + 1;
  }
  return parts;
}

// Applies the account's style to some of its posts and records what was done in the labels.
void style_post(Post& post, const Account& a, bool organic, Rng& rng) {
  if (!rng.percent(a.style_pct)) return;
  const bool styled = apply_style(post.text, a.style, a.lang, organic, rng);
  post.machine = styled && (a.style == Style::kMachine || a.style == Style::kLlm);
  post.nonnative = styled && a.style == Style::kNonnative;
}

// Appends a joiner between two clauses; after a question or an exclamation, without its punctuation.
void join_clause(std::string& s, std::string_view joiner) {
  static constexpr std::array<std::string_view, 4> kMarks = {"?", "!", "？", "！"};
  static constexpr std::array<std::string_view, 7> kLeading = {".", ",", "!", ";", "，", "。", "！"};
  for (std::string_view mark : kMarks) {
    if (!ends_with(s, mark)) continue;
    for (std::string_view lead : kLeading) {
      if (joiner.substr(0, lead.size()) == lead) joiner.remove_prefix(lead.size());
    }
    if (joiner.empty() || joiner.front() != ' ') s += ' ';
  }
  s += joiner;
}

}  // namespace

Post write_campaign_post(std::uint64_t seed, int campaign, const Account& a, Rng& rng) {
  const text::Campaign& c = text::campaigns()[campaign];
  const std::uint64_t claim = rng.below(3);
  const std::uint64_t claim_key =
      mix(mix(seed, kClaimStream), 4 * static_cast<std::uint64_t>(campaign) + claim);
  // Half of a campaign's posts are copy-pasted: one text per claim, language and account style, varied
  // only by the per-post decoration and disguises at the end. This is the same accusation posted hundreds
  // of times that near-duplicate clustering must find; the other half are paraphrased by hand.
  const bool copy_paste = rng.percent(50);
  Rng claim_rng(
      mix(claim_key, 16 * static_cast<std::uint64_t>(a.lang) + static_cast<std::uint64_t>(a.style)));
  Rng& text_rng = copy_paste ? claim_rng : rng;
  const text::Politician& target = text::politicians()[text_rng.pick(c.targets)];
  const Topic topic{a.lang, &c, &target, claim_key};
  Post post;
  post.template_index = static_cast<int>(text_rng.index(c.templates[a.lang].size()));
  const text::Template& pattern = c.templates[a.lang][post.template_index];
  std::vector<std::string> parts;
  for (const std::string& part : split_sentences(pattern.text)) parts.push_back(fill(part, topic, text_rng));
  post.abusive = pattern.abusive;
  if (!copy_paste) {
    for (std::string& part : parts) swap_synonyms(part, a.lang, 25, rng);
    if (rng.percent(30)) drop_word(parts[rng.index(parts.size())], a.lang, rng);
    if (parts.size() > 1 && rng.percent(25)) {
      std::rotate(parts.begin(), parts.end() - 1, parts.end());  // the call to action first
    } else if (parts.size() > 2 && rng.percent(15)) {
      std::swap(parts[0], parts[1]);
    }
    if (!pattern.abusive && rng.percent(c.insult_pct)) {
      const std::size_t at = 1 + rng.index(parts.size());
      parts.insert(parts.begin() + static_cast<std::ptrdiff_t>(at),
                   std::string(rng.pick(text::language_text(a.lang).insults)));
      post.abusive = true;
    }
  }
  const int separator = static_cast<int>(text_rng.below(100));
  const std::string_view join = a.lang == text::kZh ? (separator < 70   ? ""
                                                       : separator < 85 ? " "
                                                                        : "\n")
                                                    : (separator < 85   ? " "
                                                       : separator < 95 ? "\n"
                                                                        : "  ");
  for (std::size_t i = 0; i < parts.size(); ++i) (i == 0 ? post.text : (post.text += join)) += parts[i];
  style_post(post, a, false, text_rng);
  if (a.lang != text::kZh) {
    capitalize_sentences(post.text);
    vary_case(post.text, 10, 6, 14, text_rng);
  } else if (a.mixes_script) {
    rewrite(post.text, text::traditional_forms(), false, 15, text_rng);
    if (text_rng.percent(50)) rewrite(post.text, text::latin_in_chinese(), false, 40, text_rng);
    rewrite(post.text, text::half_width_punctuation(), false, 50, text_rng);
  } else if (a.half_width) {
    rewrite(post.text, text::half_width_punctuation(), false, 100, text_rng);
  }
  if (!copy_paste && rng.percent(20)) add_emphasis(post.text, a.lang, rng);
  if (!copy_paste && rng.percent(a.typo_pct)) add_typo(post.text, rng);
  if (rng.percent(a.obfuscate_pct)) {
    post.obfuscated = obfuscate(post.text, target.surname, target.name_zh, rng);
  }
  std::string_view mention;
  if (rng.percent(55)) mention = rng.percent(80) ? target.handle : rng.pick(text::politicians()).handle;
  decorate(post.text, a.lang, mention, c.hashtags[a.lang], 70, text::campaign_emoji(), a.emoji_pct, 20, true,
           rng);
  return post;
}

Post write_organic_post(const Account& a, Rng& rng) {
  const text::LanguageText& t = text::language_text(a.lang);
  const text::Politician& politician = rng.pick(text::politicians());
  const Topic topic{a.lang, nullptr, &politician};
  Post post;
  std::string_view mention;
  std::vector<std::string_view> clauses;
  const int kind = static_cast<int>(rng.below(100));
  if (rng.percent(a.abuse_pct)) {
    post.abusive = true;
    mention = rng.percent(60) ? politician.handle : rng.pick(text::user_handles());
    clauses.push_back(rng.pick(t.abuse));
    if (rng.percent(40)) clauses.push_back(rng.pick(rng.percent(50) ? t.politics : t.life));
  } else if (kind < 25) {
    mention = politician.handle;
    clauses.push_back(rng.pick(t.replies));
    if (rng.percent(50)) clauses.push_back(rng.pick(t.politics));
  } else if (kind < 45) {
    clauses.push_back(rng.pick(t.politics));
    if (rng.percent(70)) clauses.push_back(rng.pick(rng.percent(50) ? t.politics : t.life));
  } else {
    for (std::uint64_t i = 0, n = 2 + rng.below(3); i < n; ++i) clauses.push_back(rng.pick(t.life));
  }
  // People's own openers and sign-offs make the seams between clauses, and so whole posts, diverse.
  if (rng.percent(30)) post.text += rng.pick(t.openers);
  for (std::size_t i = 0; i < clauses.size(); ++i) {
    if (i > 0) join_clause(post.text, rng.pick(t.joiners));
    post.text += fill(clauses[i], topic, rng);
  }
  if (rng.percent(25)) append_sentence(post.text, rng.pick(t.closers), a.lang);
  style_post(post, a, true, rng);
  if (a.lang != text::kZh) {
    capitalize_sentences(post.text);
    vary_case(post.text, 12, 2, 5, rng);
  } else {
    if (a.traditional) rewrite(post.text, text::traditional_forms(), false, 100, rng);
    if (a.half_width) rewrite(post.text, text::half_width_punctuation(), false, 100, rng);
  }
  if (rng.percent(a.typo_pct)) add_typo(post.text, rng);
  if (post.abusive && rng.percent(a.obfuscate_pct)) post.obfuscated = obfuscate(post.text, "", "", rng);
  decorate(post.text, a.lang, mention, t.hashtags, 15, text::organic_emoji(), a.emoji_pct, 8, false, rng);
  return post;
}

}  // namespace sieve::datasets::simulator_engine
