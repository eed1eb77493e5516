#pragma once
// The phrase banks of the campaign simulator: the fictional cast, the campaigns' templates, the organic
// clause grammar and the rewrite tables of each writing style. Data only; simulator.cpp and
// simulator_posts.cpp decide who writes what, when, and in which style. Every name, place, fund and
// company here is invented.

#include <array>
#include <string_view>
#include <vector>

namespace sieve::datasets::simulator_text {

enum Lang : int { kEn = 0, kFr = 1, kZh = 2 };
inline constexpr int kLangCount = 3;
inline constexpr std::array<std::string_view, kLangCount> kLangCodes = {"en", "fr", "zh"};

using Phrases = std::vector<std::string_view>;

struct Politician {
  std::string_view name;                           // Latin script, as English and French posts write it
  std::string_view surname;                        // Latin script
  std::string_view name_zh;                        // as Chinese posts write it
  std::string_view handle;                         // without the '@'
  std::array<std::string_view, kLangCount> title;  // "Prime Minister", "la première ministre", "总理"
};

// The fillers of "{name}" in a template or clause.
struct Slot {
  std::string_view name;
  Phrases values;
};

// One campaign template: sentences separated by '|' (paraphrase noise may reorder them), with {slots}.
// abusive: the template itself insults or harasses its target, as opposed to accusing it.
struct Template {
  std::string_view text;
  bool abusive = false;
};

// One coordinated campaign: who it targets, in which languages, how its accounts write.
struct Campaign {
  std::string_view name;
  std::vector<int> targets;                   // indices into politicians()
  int weight = 1;                             // relative share of all campaign posts
  std::array<int, kLangCount> lang_weight{};  // relative share of its accounts writing each language
  int machine_pct = 0;                        // accounts posting machine-translated or LLM text
  int nonnative_pct = 0;                      // accounts run by non-native writers (after machine ones)
  int insult_pct = 0;                         // posts of a non-abusive template given an insult too
  int obfuscate_pct = 0;                      // posts disguised against keyword filters
  std::array<std::vector<Template>, kLangCount> templates;  // non-empty for every language with a weight
  std::array<std::vector<Slot>, kLangCount> slots;          // override the language's shared slots
  std::array<Phrases, kLangCount> hashtags;
};

// A substring replacement of a writing style; for English and French both ends are whole words.
struct Rewrite {
  std::string_view from;
  std::string_view to;
};

// Everything written in one language that is not tied to one campaign. Organic clauses are short and dense
// with slots, so that two organic posts rarely share a long word sequence.
struct LanguageText {
  std::vector<Slot> slots;       // {time}, {cta}, {amount_unit}... and the organic grammar's fillers
  Phrases life;                  // organic clauses: everyday life
  Phrases politics;              // organic clauses: civil political opinion, either side
  Phrases replies;               // organic replies to a politician, after "@handle"
  Phrases abuse;                 // organic insults at a politician or another user
  Phrases joiners;               // between two organic clauses
  Phrases openers;               // how people start a post ("ok so ")
  Phrases closers;               // and sign off ("Anyway.")
  Phrases hashtags;              // organic hashtags
  Phrases insults;               // a sentence that makes a campaign post abusive
  std::vector<Rewrite> machine;  // calques of machine translation from Chinese (from English for zh)
  Phrases machine_openers, machine_closers;
  Phrases llm_openers, llm_closers;  // the stock frames of LLM-written posts about politics
  Phrases llm_life_closers;          // ... and about everyday life
  std::vector<Rewrite> nonnative;    // learners' errors: articles, agreement, verb forms, register
  Phrases nonnative_openers;
  std::vector<Phrases> synonyms;  // paraphrase noise: interchangeable words
  Phrases droppable;              // function words paraphrase noise may drop
};

const std::vector<Politician>& politicians();
const std::vector<Campaign>& campaigns();
const LanguageText& language_text(Lang lang);

// Build one language's text (simulator_text_en.cpp, _fr.cpp, _zh.cpp); everyone else calls language_text().
LanguageText english();
LanguageText french();
LanguageText chinese();

// Simplified → Traditional forms of common characters, for mixed-script Chinese.
const std::vector<Rewrite>& traditional_forms();
// Chinese words written in Latin letters or pinyin inside Chinese posts ("加拿大" → "Canada").
const std::vector<Rewrite>& latin_in_chinese();
// Full-width Chinese punctuation and the ASCII marks some writers type instead ("，" → ",").
const std::vector<Rewrite>& half_width_punctuation();
// Cyrillic look-alikes of Latin letters ("a" → "а"), for filter-dodging.
const std::vector<Rewrite>& cyrillic_lookalikes();

const Phrases& organic_emoji();
const Phrases& campaign_emoji();
const Phrases& user_handles();  // ordinary users that organic posts reply to

}  // namespace sieve::datasets::simulator_text
