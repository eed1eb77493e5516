// The steps that undo disguises: leetspeak, spelled-out letters and words of look-alike letters. Each is
// checked on what it must undo and on the ordinary text it must leave as it was.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "normalizer_steps.h"
#include "sieve/tokenizer/normalizer.h"

namespace sieve::tokenizer {
namespace {

std::string normalize(std::string_view text, const NormalizerSettings& settings = {}) {
  return Normalizer(settings).normalize(text);
}

NormalizerSettings without(std::string_view step) {
  NormalizerSettings s;
  s.set_step(step, false);
  return s;
}

// Each text reads the same with the step on as with it off.
void expect_left_alone(std::string_view step, const std::vector<std::string>& texts) {
  for (const std::string& text : texts) EXPECT_EQ(normalize(text), normalize(text, without(step))) << text;
}

TEST(NormalizerLeetspeak, DigitsForLettersBecomeTheLetters) {
  EXPECT_EQ(normalize("pr0p4g4nda"), "propaganda");
  EXPECT_EQ(normalize("c0rrupt 3lit3"), "corrupt elite");
  EXPECT_EQ(normalize("5hare bef0re they d3le7e it"), "share before they delete it");
  EXPECT_EQ(normalize("7he Tru7h!"), "the truth!");
  EXPECT_EQ(normalize("CR1M1N4L"), "criminal");
  EXPECT_EQ(normalize("r\u00E9v3ill\u00E9"), "r\u00E9veill\u00E9");  // French letters around the digit
}

TEST(NormalizerLeetspeak, LeavesNumbersDatesPricesHandlesAndLinksAlone) {
  expect_left_alone("fold_leetspeak", {"2023",
                                       "15,000",
                                       "12:30",
                                       "2023-01-05",
                                       "$5.99",
                                       "5$",
                                       "1st 2nd 3rd 4th 17th 100th",
                                       "10am 5pm 3d 4k 5g 10x 100k 3yrs",
                                       "1er 1\u00E8re 3\u00E8me 5e",
                                       "@h4ck3r",
                                       "#r3sist",
                                       "https://t.co/a1b3c0",
                                       "www.ab3.com/x1",
                                       "name3@mail.com",
                                       "v1.3 1.5m",
                                       "fe0f 0x7 ffe3",
                                       "potus45 bfraser747",
                                       "4ever 4get some1 every1",
                                       "mp3 ps4 x1 f1",
                                       "4x4 b2b covid19 h1n1",
                                       "I have 3 cats and 1 dog"});
}

TEST(NormalizerLeetspeak, APostInLeetspeakHasItsShortWordsUndoneToo) {
  // "pr0p4ganda" shows the post is in leetspeak; then "th3", "4nd", "0f", "1n" and a lone "1" are words.
  EXPECT_EQ(normalize("th3 pr0p4ganda 0f 7h3 3lite 4nd 1 kn0w 1t, 1n short"),
            "the propaganda of the elite and i know it, in short");
  // Without such a word the same short forms are names and numbers.
  expect_left_alone("fold_leetspeak", {"th3 band 0f 4 members, 1 of them in b4", "mp3 1 ps4 4ever"});
  // Even in a leetspeak post, numbers, prices, units and ordinals stay.
  EXPECT_EQ(normalize("pr0p4ganda: $5, 10%, 15 people, 1st, 3.5, 2023"),
            "propaganda: $<num>, <num>%, <num> people, <num>st, <num>, <num>");
}

TEST(NormalizerLeetspeak, CanBeSwitchedOff) {
  EXPECT_EQ(normalize("pr0p4g4nda", without("fold_leetspeak")), "pr<num>p<num>g<num>nda");
}

TEST(NormalizerSpelledLetters, SeparatedLettersBecomeOneWord) {
  EXPECT_EQ(normalize("the p r o p a g a n d a of the elite"), "the propaganda of the elite");
  EXPECT_EQ(normalize("the p.r.o.p.a.g.a.n.d.a of"), "the propaganda of");
  EXPECT_EQ(normalize("P-R-O-P-A-G-A-N-D-A!"), "propaganda!");
  EXPECT_EQ(normalize("s_h_a_r_e s*h*a*r*e s|h|a|r|e"), "share share share");
  EXPECT_EQ(normalize("d.e.l.e.t.e. it"), "delete. it");
  EXPECT_EQ(normalize("\u0440 r o p a"), "propa");  // a look-alike among the letters is folded too
}

TEST(NormalizerSpelledLetters, LeavesOrdinaryTextAlone) {
  expect_left_alone("join_spelled_letters",
                    {"I a m", "Am I a fool?", "Was it a b or a c?", "U.S.A. and U.K.", "e.g. i.e.", "a b c",
                     "p r o-p a g", "1 2 3 4 5", "A1 B2 C3 D4", "ab cd ef gh", "\u65B0 \u534E \u4E66 \u5E97",
                     "https://t.co/a.b.c.d", "x - y - z"});
}

TEST(NormalizerLookalikeWords, WordsOfLookalikesAloneAreFoldedInLatinPosts) {
  // Cyrillic а, і and ѕ (U+0430, U+0456, U+0455) as whole words among Latin ones.
  EXPECT_EQ(normalize("\u0430 scandal"), "a scandal");
  EXPECT_EQ(normalize("it \u0456\u0455 true"), "it is true");
  EXPECT_EQ(normalize("\u0430\u0455 the elite"), normalize("as the elite"));
}

TEST(NormalizerLookalikeWords, LeavesRussianAndGreekAlone) {
  EXPECT_EQ(normalize("\u0430 \u0432\u043E\u0442"), "\u0430 \u0432\u043E\u0442");  // "а вот": Russian only
  EXPECT_EQ(normalize("\u0441 friends, \u043F\u0440\u0438\u0432\u0435\u0442"),     // Russian beside English
            "\u0441 friends, \u043F\u0440\u0438\u0432\u0435\u0442");
  EXPECT_EQ(normalize("\u0430 \u0441"), "\u0430 \u0441");  // no Latin letter: nothing says it is a disguise
  expect_left_alone("fold_lookalike_words", {"\u0391\u03B8\u03AE\u03BD\u03B1 and \u03BF"});
}

TEST(NormalizerDisguises, TheDisguisedPostReadsAsTheCleanOne) {
  const std::string clean =
      normalize("Stop the propaganda of the corrupt elite, share this message before they delete it!");
  EXPECT_EQ(normalize("Stop 7h3 prop4ganda of th3 corrupt el17e, 5har3 thi5 me5sage before th3y d3le7e 1t!"),
            normalize("Stop the propaganda of the corrupt elite, share this message before they delete it!"));
  EXPECT_EQ(
      normalize("Stop the p r o p a g a n d a of the corrupt e.l.i.t.e, share this m-e-s-s-a-g-e before "
                "they delete it!"),
      clean);
  EXPECT_EQ(normalize("\u0405t\u043E\u0440 th\u0435 \u0440r\u043E\u0440\u0430g\u0430nd\u0430 \u043Ef the "
                      "corrupt elite, sh\u0430re this message before they delete \u0456t!"),
            clean);
}

TEST(NormalizerSettings, FilesWithoutTheDisguiseStepsReadThemAsOff) {
  std::string old_json = NormalizerSettings().to_json();
  for (const char* key : {"fold_lookalike_words", "fold_leetspeak", "join_spelled_letters"}) {
    const std::string field = std::string(",\"") + key + "\":true";
    ASSERT_NE(old_json.find(field), std::string::npos) << key;
    old_json.erase(old_json.find(field), field.size());
  }
  const NormalizerSettings old = NormalizerSettings::from_json(old_json);
  EXPECT_FALSE(old.fold_lookalike_words || old.fold_leetspeak || old.join_spelled_letters);
  EXPECT_TRUE(old.fold_homoglyphs && old.mask_numbers);
  EXPECT_EQ(normalize("pr0p4g4nda p r o p a", old), "pr<num>p<num>g<num>nda p r o p a");
}

}  // namespace
}  // namespace sieve::tokenizer
