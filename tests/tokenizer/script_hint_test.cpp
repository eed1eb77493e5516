#include "sieve/tokenizer/script_hint.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <map>

#include "corpus.h"

namespace sieve::tokenizer {
namespace {

TEST(ScriptShares, CountsLettersByScript) {
  const ScriptShares shares = script_shares("Trudeau 总理 Путин 2023!");
  EXPECT_EQ(shares.letters, 14u);
  EXPECT_DOUBLE_EQ(shares.latin, 7.0 / 14);
  EXPECT_DOUBLE_EQ(shares.han, 2.0 / 14);
  EXPECT_DOUBLE_EQ(shares.other, 5.0 / 14);
  EXPECT_EQ(script_shares("2023 !!! 😂").letters, 0u);
}

TEST(GuessLanguage, ReadsScriptsAndFunctionWords) {
  EXPECT_EQ(guess_language("这个总理贪污了 COVID"), "zh");
  EXPECT_EQ(guess_language("The prime minister is a liar and a thief"), "en");
  EXPECT_EQ(guess_language("Le premier ministre est un menteur et un voleur"), "fr");
  EXPECT_EQ(guess_language("l'état a caché la vérité"), "fr");
  EXPECT_EQ(guess_language("😂😂 123"), "");
  EXPECT_EQ(guess_language("Москва"), "");
}

TEST(GuessLanguage, MostlyHanIsWhenItSaysChinese) {
  for (const char* text : {"这个总理贪污了 COVID", "The prime minister 是个骗子",
                           "总理 is a liar and a thief", "Le premier ministre", "😂😂 123", "Москва", ""}) {
    EXPECT_EQ(mostly_han(text), guess_language(text) == "zh") << text;
  }
  EXPECT_TRUE(mostly_han("总理 liar"));    // 2 Han letters of 6: a third
  EXPECT_FALSE(mostly_han("总理 liars"));  // 2 of 7
}

// On real posts the hint must be right most of the time for each language of the corpus.
TEST(GuessLanguage, AgreesWithTheCorpusLabels) {
  const std::string file = "test.jsonl";
  if (const auto missing = sieve::testing::corpus_missing_message(file); !missing.empty())
    GTEST_SKIP() << missing;
  std::ifstream in(sieve::testing::corpus_dir() + "/" + file);
  simdjson::dom::parser parser;
  std::map<std::string, std::pair<int, int>> right_total;
  std::string line;
  while (std::getline(in, line)) {
    const auto doc = parser.parse(line);
    const std::string lang{std::string_view(doc["lang"])};
    const std::string_view text = doc["text"];
    auto& [right, total] = right_total[lang];
    right += guess_language(text) == lang;
    ++total;
  }
  const std::map<std::string, double> floor = {{"zh", 0.98}, {"en", 0.95}, {"fr", 0.85}};
  for (const auto& [lang, counts] : right_total) {
    const double accuracy = static_cast<double>(counts.first) / counts.second;
    EXPECT_GE(accuracy, floor.at(lang)) << lang << ": " << counts.first << "/" << counts.second;
    std::cout << "[ guess    ] " << lang << " accuracy " << accuracy << " over " << counts.second
              << " posts\n";
  }
}

}  // namespace
}  // namespace sieve::tokenizer
