#include "sieve/tokenizer/style_features.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "corpus.h"
#include "sieve/tokenizer/normalizer.h"

namespace sieve::tokenizer {
namespace {

// The features of a raw post, read by name.
class Features {
 public:
  explicit Features(std::string_view raw) : Features(raw, Normalizer().normalize(raw)) {}
  Features(std::string_view raw, std::string_view normalized) : values_(kStyleFeatureCount) {
    style_features(raw, normalized, values_.data());
  }

  float operator[](std::string_view name) const {
    for (std::size_t i = 0; i < kStyleFeatureCount; ++i) {
      if (name == style_feature_name(i)) return values_[i];
    }
    ADD_FAILURE() << "no style feature " << name;
    return NAN;
  }
  const std::vector<float>& values() const { return values_; }

 private:
  std::vector<float> values_;
};

float log1p_of(double n) { return static_cast<float>(std::log1p(n)); }

bool is_share(std::string_view name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  return ends_with("_share") || ends_with("_rate") || ends_with("_ratio");
}

// Shares in [0, 1], log1p values in [0, 25] (a 10^10-character post), nothing else.
void expect_bounded(const Features& f, const std::string& post) {
  for (std::size_t i = 0; i < kStyleFeatureCount; ++i) {
    const float v = f.values()[i];
    ASSERT_TRUE(std::isfinite(v)) << style_feature_name(i) << " of " << post;
    EXPECT_GE(v, 0.0f) << style_feature_name(i) << " of " << post;
    EXPECT_LE(v, is_share(style_feature_name(i)) ? 1.0f : 25.0f) << style_feature_name(i) << " of " << post;
  }
}

TEST(StyleFeatures, NamesAreDistinctSnakeCaseAndCoverTheVector) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < kStyleFeatureCount; ++i) {
    const std::string name = style_feature_name(i);
    EXPECT_FALSE(name.empty()) << i;
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"), std::string::npos) << name;
    EXPECT_TRUE(is_share(name) || name.find("log1p") != std::string::npos) << name << ": share or log1p";
    names.insert(name);
  }
  EXPECT_EQ(names.size(), kStyleFeatureCount);
  EXPECT_STREQ(style_feature_name(kStyleFeatureCount), "");
}

TEST(StyleFeatures, CountsExclamationsQuestionsAndEllipses) {
  const Features f("Wow!!! Really?! Well... ok…");
  EXPECT_FLOAT_EQ(f["exclamation_log1p"], log1p_of(4));
  EXPECT_FLOAT_EQ(f["question_log1p"], log1p_of(1));
  EXPECT_FLOAT_EQ(f["ellipsis_log1p"], log1p_of(2));
  EXPECT_FLOAT_EQ(f["repeated_char_run_log1p"], log1p_of(2));  // "!!!" and "..."
  EXPECT_FLOAT_EQ(Features("贪污！！")["exclamation_log1p"], log1p_of(2));
}

TEST(StyleFeatures, SpaceBeforePunctuationSeparatesFrenchTypographyFromEnglish) {
  EXPECT_FLOAT_EQ(Features("Vraiment ? Oui ! Bon : voilà")["space_before_high_punct_share"], 1.0f);
  EXPECT_FLOAT_EQ(Features("Really? Yes! Well: there")["space_before_high_punct_share"], 0.0f);
  EXPECT_FLOAT_EQ(Features("Really ? Yes!")["space_before_high_punct_share"], 0.5f);
  const Features learner("I think , it is good .");
  EXPECT_FLOAT_EQ(learner["space_before_low_punct_share"], 1.0f);
  EXPECT_FLOAT_EQ(Features("I think, it is good.")["space_before_low_punct_share"], 0.0f);
  EXPECT_FLOAT_EQ(Features("Yes,it is.Good")["missing_space_after_punct_share"], 1.0f);
  EXPECT_FLOAT_EQ(Features("Yes, it is. Good")["missing_space_after_punct_share"], 0.0f);
}

TEST(StyleFeatures, ReadsCasingFromTheRawPost) {
  const Features f("STOP THE LIES now");
  EXPECT_FLOAT_EQ(f["all_caps_word_share"], 0.75f);
  EXPECT_FLOAT_EQ(f["capitalised_word_share"], 0.75f);
  EXPECT_FLOAT_EQ(f["upper_letter_share"], 11.0f / 14);
  EXPECT_FLOAT_EQ(Features("I am Here")["all_caps_word_share"], 0.0f);  // one-letter "I" is not all caps
  EXPECT_FLOAT_EQ(Features("hello there. How are you? fine.")["lowercase_sentence_start_share"], 2.0f / 3);
}

TEST(StyleFeatures, CountsSpacingPlaceholdersAndHashtags) {
  EXPECT_FLOAT_EQ(Features("a  b   c")["double_space_log1p"], log1p_of(2));
  EXPECT_FLOAT_EQ(Features("a\nb\n\nc")["line_break_log1p"], log1p_of(3));
  const Features f("see https://t.co/x @bob #Fraud, 15,000 and 12:30 C#");
  EXPECT_FLOAT_EQ(f["url_log1p"], log1p_of(1));
  EXPECT_FLOAT_EQ(f["mention_log1p"], log1p_of(1));
  EXPECT_FLOAT_EQ(f["hashtag_log1p"], log1p_of(1));  // "C#" is not a hashtag
  EXPECT_FLOAT_EQ(f["number_log1p"], log1p_of(2));
}

TEST(StyleFeatures, FunctionWordRatesOfEachLanguage) {
  const Features en("The cat and the dog");
  EXPECT_FLOAT_EQ(en["en_function_word_rate"], 3.0f / 5);
  EXPECT_FLOAT_EQ(en["fr_function_word_rate"], 0.0f);
  // "l'État" is "l" "état": 5 of 8 words
  EXPECT_FLOAT_EQ(Features("Le chat et la souris de l'État")["fr_function_word_rate"], 5.0f / 8);
  const Features zh("我是学生，你好！");
  EXPECT_FLOAT_EQ(zh["zh_function_char_rate"], 0.5f);  // 我 是 你 of 我是学生你好
  EXPECT_FLOAT_EQ(zh["cjk_fullwidth_punct_share"], 1.0f);
  EXPECT_FLOAT_EQ(Features("我是学生,你好!")["cjk_fullwidth_punct_share"], 0.0f);
  EXPECT_FLOAT_EQ(Features("Hello, world!")["cjk_fullwidth_punct_share"], 0.0f);  // no Han: not applicable
}

TEST(StyleFeatures, ScriptsQuotesAndEmoji) {
  const Features scripts("Trudeau Путин 总理");
  EXPECT_FLOAT_EQ(scripts["latin_share"], 7.0f / 14);
  EXPECT_FLOAT_EQ(scripts["cyrillic_share"], 5.0f / 14);
  EXPECT_FLOAT_EQ(scripts["cjk_share"], 2.0f / 14);
  EXPECT_FLOAT_EQ(scripts["script_count_log1p"], log1p_of(3));
  EXPECT_FLOAT_EQ(Features("plain text")["script_count_log1p"], log1p_of(1));
  const Features quotes("He said \"no\" and “yes” « oui »");
  EXPECT_FLOAT_EQ(quotes["straight_double_quote_share"], 2.0f / 6);
  EXPECT_FLOAT_EQ(quotes["curly_double_quote_share"], 2.0f / 6);
  EXPECT_FLOAT_EQ(quotes["guillemet_share"], 2.0f / 6);
  EXPECT_FLOAT_EQ(Features("don’t won't")["curly_apostrophe_share"], 0.5f);
  const Features emoji("great 😂😂 👍");
  EXPECT_FLOAT_EQ(emoji["emoji_log1p"], log1p_of(3));
  EXPECT_FLOAT_EQ(emoji["symbol_emoji_share"], 3.0f / 10);
}

TEST(StyleFeatures, WordAndSentenceLengths) {
  const Features f("ab abcd. Three four five! Six");
  EXPECT_FLOAT_EQ(f["word_count_log1p"], log1p_of(6));
  EXPECT_FLOAT_EQ(f["sentence_count_log1p"], log1p_of(3));
  EXPECT_FLOAT_EQ(f["sentence_length_mean_log1p"], log1p_of(2));
  const Features lengths("ab abcd");
  EXPECT_FLOAT_EQ(lengths["word_length_mean_log1p"], log1p_of(3));
  EXPECT_FLOAT_EQ(lengths["word_length_std_log1p"], log1p_of(1));
  EXPECT_FLOAT_EQ(Features("no no yes yes")["type_token_ratio"], 0.5f);
  EXPECT_FLOAT_EQ(Features("北京北京")["type_token_ratio"], 0.5f);  // Chinese characters are tokens
}

TEST(StyleFeatures, EmptyPostIsAllZero) {
  const Features f("", "");
  for (std::size_t i = 0; i < kStyleFeatureCount; ++i)
    EXPECT_EQ(f.values()[i], 0.0f) << style_feature_name(i);
}

TEST(StyleFeatures, InvalidUtf8CountsAsReplacementCharacters) {
  const std::string raw = "\xff\xfe ok \xc3";
  const Features f(raw, raw);  // the normalizer would have replaced them; raw bytes must not matter
  EXPECT_FLOAT_EQ(f["replacement_char_share"], 3.0f / 7);
  expect_bounded(f, raw);
}

TEST(StyleFeatures, RandomBytesAreBoundedAndDeterministic) {
  std::mt19937 rng(7);
  for (int n = 0; n < 2000; ++n) {
    std::string bytes(rng() % 200, '\0');
    for (char& b : bytes) b = static_cast<char>(rng() % 4 == 0 ? ' ' : rng());
    const Features f(bytes, bytes);
    expect_bounded(f, bytes);
    EXPECT_EQ(f.values(), Features(bytes, bytes).values());
  }
}

TEST(StyleFeatures, CorpusPostsAreBounded) {
  if (const auto missing = sieve::testing::corpus_missing_message("test.jsonl"); !missing.empty())
    GTEST_SKIP() << missing;
  for (const std::string& post : sieve::testing::read_corpus_texts("test.jsonl", 5000)) {
    expect_bounded(Features(post), post);
  }
}

}  // namespace
}  // namespace sieve::tokenizer
