#include "sieve/tokenizer/normalizer.h"

#include <gtest/gtest.h>
#include <tbb/parallel_for.h>

#include <random>

#include "corpus.h"
#include "error_text.h"
#include "normalizer_steps.h"

namespace sieve::tokenizer {
namespace {

NormalizerSettings nothing() { return testing::no_normalizer_steps(); }

std::string normalize(std::string_view text, NormalizerSettings settings = {}) {
  return Normalizer(settings).normalize(text);
}

TEST(Normalizer, NfkcTurnsFullWidthAndLigaturesIntoPlainForms) {
  auto s = nothing();
  s.nfkc = true;
  EXPECT_EQ(normalize("ＴＲＵＤＥＡＵ ２０２３", s), "TRUDEAU 2023");
  EXPECT_EQ(normalize("ﬁnancement ｆｒａｕｄｅ", s), "financement fraude");
  EXPECT_EQ(normalize("贪污！", s), "贪污!");
  EXPECT_EQ(normalize("𝐓𝐫𝐮𝐝𝐞𝐚𝐮", s), "Trudeau");  // mathematical bold letters
}

TEST(Normalizer, NfkcComposesCombiningMarksAcrossTheWord) {
  auto s = nothing();
  s.nfkc = true;
  EXPECT_EQ(normalize("e\xCC\x81"
                      "cole de\xCC\x81pute\xCC\x81",
                      s),
            "école député");
  EXPECT_EQ(normalize("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", s), "한");  // Hangul jamo compose
}

TEST(Normalizer, CaseFoldingIsFullUnicodeFolding) {
  auto s = nothing();
  s.case_fold = true;
  EXPECT_EQ(normalize("Straße CORRUPTION", s), "strasse corruption");
  EXPECT_EQ(normalize("ÉLECTIONS Député", s), "élections député");
  EXPECT_EQ(normalize("加拿大总理", s), "加拿大总理");
}

TEST(Normalizer, RemovesInvisibleAndFormatCharacters) {
  auto s = nothing();
  s.remove_invisible = true;
  EXPECT_EQ(normalize("Tru\u200Bdeau", s), "Trudeau");                    // zero-width space
  EXPECT_EQ(normalize("cor\u200Cru\u200Dption\u2060", s), "corruption");  // ZWNJ, ZWJ, word joiner
  EXPECT_EQ(normalize("\u202Efraud\u202C \u2066x\u2069", s), "fraud x");  // bidi controls
  EXPECT_EQ(normalize("\u2764\uFE0F", s), "\u2764");                      // variation selector
  EXPECT_EQ(normalize("\xEF\xBB\xBFpost", s), "post");                    // byte order mark
  EXPECT_EQ(normalize("a\x01"
                      "b",
                      s),
            "ab");  // C0 control
  EXPECT_EQ(normalize("贪\u200B污", s), "贪污");
}

TEST(Normalizer, ZeroWidthSplitWordsAreJoinedByTheDefaults) {
  EXPECT_EQ(normalize("Justin Tru\u200Bdeau is a crim\u200Binal"), "justin trudeau is a criminal");
  EXPECT_EQ(normalize("Trudeau"), normalize("T\u200Br\u200Cu\u200Dd\u2060e\uFEFFau"));
}

TEST(Normalizer, FoldsHomoglyphsOnlyInsideWordsThatMixScripts) {
  auto s = nothing();
  s.fold_homoglyphs = true;
  s.case_fold = true;
  EXPECT_EQ(normalize("\u0422rudeau", s), "trudeau");      // Cyrillic capital Te
  EXPECT_EQ(normalize("P\u043Eilievre", s), "poilievre");  // Cyrillic small o
  EXPECT_EQ(normalize("scand\u0430l", s), "scandal");      // Cyrillic small a
  EXPECT_EQ(normalize("\u03BFttawa", s), "ottawa");        // Greek small omicron
  EXPECT_EQ(normalize("Привет мир", s), "привет мир");     // genuine Russian is left alone
  EXPECT_EQ(normalize("Αθήνα", s), "αθήνα");               // genuine Greek is left alone
}

TEST(Normalizer, HomoglyphAttackStringsMatchThePlainSpelling) {
  const std::string plain = normalize("Trudeau est un criminel");
  EXPECT_EQ(normalize("\u0422rudeau est un crimin\u0435l"), plain);
  EXPECT_EQ(normalize("\u0422ru\u200Bdeau est un cr\u0456minel"), plain);
}

TEST(Normalizer, TraditionalChineseBecomesSimplified) {
  auto s = nothing();
  s.traditional_to_simplified = true;
  EXPECT_EQ(normalize("這個國家的總理貪污", s), "这个国家的总理贪污");
  EXPECT_EQ(normalize("臺灣 議員", s), "台湾 议员");
  EXPECT_EQ(normalize("这个国家", s), "这个国家");  // already simplified
  EXPECT_EQ(normalize("Trudeau", s), "Trudeau");
}

TEST(Normalizer, UrlsBecomePlaceholdersAndKeepTrailingPunctuation) {
  auto s = nothing();
  s.mask_urls = true;
  EXPECT_EQ(normalize("watch https://t.co/xW5awlGzSa now", s), "watch <url> now");
  EXPECT_EQ(normalize("(see http://example.com/a?b=1).", s), "(see <url>).");
  EXPECT_EQ(normalize("www.cbc.ca/news", s), "<url>");
  EXPECT_EQ(normalize("HTTPS://EXAMPLE.COM", s), "<url>");
  EXPECT_EQ(normalize("showwww.example", s), "showwww.example");  // not at a word start
}

TEST(Normalizer, MentionsAndEmailsBecomePlaceholders) {
  auto s = nothing();
  s.mask_mentions = s.mask_emails = true;
  EXPECT_EQ(normalize("@JustinTrudeau you lied", s), "<user> you lied");
  EXPECT_EQ(normalize("RT @pierre_p: shame", s), "RT <user>: shame");
  EXPECT_EQ(normalize("write to jane.doe@parl.gc.ca today", s), "write to <email> today");
  EXPECT_EQ(normalize("contact:jane@example.org.", s), "contact:<email>.");
  EXPECT_EQ(normalize("meet @ noon", s), "meet @ noon");
  EXPECT_EQ(normalize("@用户 你好", s), "@用户 你好");  // handles are ASCII, as on X
}

TEST(Normalizer, NumbersBecomePlaceholders) {
  auto s = nothing();
  s.mask_numbers = true;
  EXPECT_EQ(normalize("15,000 comments in 2023", s), "<num> comments in <num>");
  EXPECT_EQ(normalize("at 12:30, $1,000.50 each", s), "at <num>, $<num> each");
  EXPECT_EQ(normalize("G7 covid19", s), "G<num> covid<num>");
  EXPECT_EQ(normalize("第2023年", s), "第<num>年");
  EXPECT_EQ(normalize("1.", s), "<num>.");
}

TEST(Normalizer, HashtagsKeepTheirWordAndLoseTheSign) {
  auto s = nothing();
  s.strip_hashtag_sign = true;
  EXPECT_EQ(normalize("#Trudeau #cdnpoli", s), "Trudeau cdnpoli");
  EXPECT_EQ(normalize("#加拿大 #1", s), "加拿大 1");
  EXPECT_EQ(normalize("C# and # alone", s), "C# and # alone");
}

TEST(Normalizer, SquashesRunsLongerThanTheLimit) {
  auto s = nothing();
  s.max_char_run = 3;
  EXPECT_EQ(normalize("sooooo baaaad!!!!!!", s), "sooo baaad!!!");
  EXPECT_EQ(normalize("哈哈哈哈哈哈", s), "哈哈哈");
  EXPECT_EQ(normalize("aaa", s), "aaa");
  s.max_char_run = 1;
  EXPECT_EQ(normalize("loool", s), "lol");
}

TEST(Normalizer, CollapsesAllUnicodeWhiteSpace) {
  auto s = nothing();
  s.collapse_whitespace = true;
  EXPECT_EQ(normalize("  a \t\n b\u00A0\u3000c  ", s), "a b c");
  EXPECT_EQ(normalize(" \n\t ", s), "");
  s.collapse_whitespace = false;
  EXPECT_EQ(normalize(" a\tb ", s), " a\tb ");
}

TEST(Normalizer, DefaultsCombineAllStepsOnATypicalPost) {
  EXPECT_EQ(
      normalize("RT @CanadaPM: ＪＵＳＴＩＮ Тrudeau stole $15,000,000!!!!!! https://t.co/x #Corruption"),
      "rt <user>: justin trudeau stole $<num>!!! <url> corruption");
  EXPECT_EQ(normalize("杜魯多總理貪污了2023萬！！！！"), "杜鲁多总理贪污了<num>万!!!");
  EXPECT_EQ(normalize("Le PREMIER ministre a menti ... Honteux !!!!"),
            "le premier ministre a menti ... honteux !!!");
}

TEST(Normalizer, InvalidUtf8BecomesReplacementCharacterAndIsCounted) {
  const Normalizer normalizer(nothing());
  NormalizeStats stats;
  EXPECT_EQ(normalizer.normalize("ab\xFF"
                                 "cd",
                                 &stats),
            "ab\uFFFDcd");
  EXPECT_EQ(stats.invalid_utf8_bytes, 1u);
  stats = {};
  EXPECT_EQ(normalizer.normalize("x\xC0\xAFy", &stats), "x\uFFFD\uFFFDy");  // overlong '/'
  EXPECT_EQ(stats.invalid_utf8_bytes, 2u);
  stats = {};
  EXPECT_EQ(normalizer.normalize("\xED\xA0\x80", &stats), "\uFFFD\uFFFD\uFFFD");  // a surrogate
  stats = {};
  EXPECT_EQ(normalizer.normalize("end\xE4\xB8", &stats), "end\uFFFD");  // truncated at the end
  EXPECT_EQ(stats.invalid_utf8_bytes, 2u);
  EXPECT_EQ(Normalizer().normalize("e\xCC\x81\xFF"), "é\uFFFD");  // the slow path sees it too
}

TEST(Normalizer, EmptyAndWhiteSpaceOnlyPostsGiveEmptyText) {
  EXPECT_EQ(normalize(""), "");
  EXPECT_EQ(normalize("\u200B\u200B"), "");
  EXPECT_EQ(normalize(std::string(5, '\0')), "");
}

TEST(Normalizer, OneMegabytePostsAreNormalizedWhole) {
  std::string post;
  while (post.size() < (1u << 20)) post += "Trudeau a menti 加拿大總理 e\xCC\x81 ";
  const std::string out = normalize(post);
  EXPECT_EQ(out.substr(0, 34), "trudeau a menti 加拿大总理 é");
  EXPECT_EQ(normalize(out), out);

  const std::string no_spaces(1u << 20, 'x');  // one 1 MB word, squashed to "xxx"
  EXPECT_EQ(normalize(no_spaces), "xxx");
  std::string combining = "a";
  while (combining.size() < (1u << 20)) combining += "\xCC\x81";  // one word through the ICU path
  EXPECT_FALSE(normalize(combining).empty());
}

TEST(Normalizer, RandomBytesNeverBreakTheOutput) {
  std::mt19937 rng(7);
  const Normalizer normalizer;
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 64, '\0');
    for (char& b : bytes) b = static_cast<char>(rng());
    NormalizeStats stats;
    const std::string out = normalizer.normalize(bytes, &stats);
    NormalizeStats again;
    EXPECT_EQ(normalizer.normalize(out, &again), out);
    EXPECT_EQ(again.invalid_utf8_bytes, 0u) << "output must be valid UTF-8";
  }
}

TEST(Normalizer, IsIdempotentOnEveryCorpusPost) {
  const Normalizer normalizer;
  std::size_t checked = 0;
  for (const char* file : {"train.jsonl", "dev.jsonl", "test.jsonl"}) {
    if (const auto missing = testing::corpus_missing_message(file); !missing.empty()) GTEST_SKIP() << missing;
    for (const std::string& text : testing::read_corpus_texts(file)) {
      const std::string once = normalizer.normalize(text);
      ASSERT_EQ(normalizer.normalize(once), once) << "input: " << text;
      ++checked;
    }
  }
  EXPECT_GT(checked, 160000u);
}

TEST(Normalizer, GivesTheSameTextFromManyThreads) {
  std::vector<std::string> texts = {"Тrudeau https://x.y 2023", "這個國家", "e\xCC\x81t\xC3\xA9 !!!!!"};
  if (testing::corpus_missing_message("test.jsonl").empty())
    texts = testing::read_corpus_texts("test.jsonl", 5000);
  const Normalizer normalizer;
  std::vector<std::string> sequential;
  for (const auto& t : texts) sequential.push_back(normalizer.normalize(t));
  std::vector<std::string> parallel(texts.size());
  tbb::parallel_for(std::size_t{0}, texts.size(),
                    [&](std::size_t i) { parallel[i] = normalizer.normalize(texts[i]); });
  EXPECT_EQ(parallel, sequential);
}

TEST(NormalizerSettings, RoundTripsThroughJson) {
  NormalizerSettings s;
  s.case_fold = false;
  s.max_char_run = 5;
  const auto back = NormalizerSettings::from_json(s.to_json());
  EXPECT_EQ(back, s);
  EXPECT_NE(back, NormalizerSettings());
}

TEST(NormalizerSettings, RejectsBadJsonWithTheKeyInTheMessage) {
  auto error_of = [](const std::string& json) {
    return sieve::testing::error_text([&] { NormalizerSettings::from_json(json); });
  };
  const std::string json = NormalizerSettings().to_json();
  EXPECT_EQ(error_of("[1]"), "format: normalizer settings: not a JSON object");
  EXPECT_EQ(error_of(json.substr(0, json.size() - 1)), "format: normalizer settings: not a JSON object");
  std::string unknown = json;
  unknown.insert(1, "\"lowercase\":true,");
  EXPECT_EQ(error_of(unknown), "format: normalizer settings: unknown key 'lowercase'");
  std::string wrong_type = json;
  wrong_type.replace(wrong_type.find("\"nfkc\":true"), 11, "\"nfkc\":1");
  EXPECT_EQ(error_of(wrong_type), "format: normalizer settings: nfkc: not a boolean");
  std::string missing = json;
  missing.erase(missing.find("\"nfkc\":true,"), 12);
  EXPECT_EQ(error_of(missing), "format: normalizer settings: missing key 'nfkc'");
}

TEST(NormalizerSettings, ValidateNamesTheFieldOutOfRange) {
  NormalizerSettings s;
  s.max_char_run = -2;
  EXPECT_EQ(sieve::testing::error_text([&] { Normalizer{s}; }),
            "config: normalizer.max_char_run: must be between 0 (keep runs) and 1000, got -2");
}

}  // namespace
}  // namespace sieve::tokenizer
