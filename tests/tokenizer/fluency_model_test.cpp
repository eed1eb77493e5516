#include "sieve/tokenizer/fluency_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "error_text.h"
#include "fluency_files.h"
#include "sieve/core/error.h"
#include "sieve/core/hash.h"

namespace sieve::tokenizer {
namespace {

using sieve::testing::error_text;
using testing::exact_fluency_file;

// Sentences of a small grammar per language, every combination but the held-out ones, folds alternating.
struct Corpus {
  std::vector<std::string> texts;
  std::vector<FluencyModel::Example> examples;

  void add_grammar(const std::string& lang, const std::vector<std::vector<std::string>>& parts,
                   const std::string& join, const std::set<std::string>& held_out) {
    std::vector<std::size_t> index(parts.size(), 0);
    for (bool done = false; !done;) {
      std::string sentence;
      for (std::size_t p = 0; p < parts.size(); ++p) {
        if (!sentence.empty() && !parts[p][index[p]].empty()) sentence += join;
        sentence += parts[p][index[p]];
      }
      if (!held_out.count(sentence)) {
        texts.push_back(sentence);
        langs.push_back(lang);
      }
      done = true;
      for (std::size_t p = parts.size(); p-- > 0;) {
        if (++index[p] < parts[p].size()) {
          done = false;
          break;
        }
        index[p] = 0;
      }
    }
  }
  const std::vector<FluencyModel::Example>& finish() {
    for (std::size_t i = 0; i < texts.size(); ++i)
      examples.push_back({texts[i], langs[i], static_cast<int>(i % 2)});
    return examples;
  }
  std::vector<std::string> langs;
};

const std::string kFluent = "the dog walked to the market after lunch .";
const std::string kScrambled = "market the to after walked dog lunch the .";
const std::string kFrench = "mon frère regarde la maison ce matin .";
const std::string kChinese = "他们喜欢那本书。";

const std::vector<FluencyModel::Example>& grammar_examples() {
  static Corpus corpus;
  if (corpus.examples.empty()) {
    corpus.add_grammar("en",
                       {{"the cat", "the dog", "my brother", "our teacher", "the old man", "a young woman"},
                        {"sat on", "looked at", "walked to", "talked about", "waited for"},
                        {"the mat", "the house", "the river", "the new car", "the market"},
                        {"", "yesterday", "in the morning", "after lunch"},
                        {"."}},
                       " ", {kFluent});
    corpus.add_grammar("fr",
                       {{"le chat", "la femme", "mon frère", "notre professeur"},
                        {"regarde", "cherche", "aime"},
                        {"la maison", "le jardin", "la voiture"},
                        {"", "ce matin", "depuis hier"},
                        {"."}},
                       " ", {kFrench});
    corpus.add_grammar(
        "zh",
        {{"我", "他", "我们", "他们"}, {"喜欢", "看见", "想要"}, {"这个城市", "那本书", "小猫"}, {"。"}}, "",
        {kChinese});
    corpus.finish();
  }
  return corpus.examples;
}

const FluencyModel& grammar_model() {
  static const FluencyModel model = FluencyModel::train(grammar_examples(), FluencyOptions());
  return model;
}

std::vector<float> score(const FluencyModel& model, std::string_view text, std::string_view lang = "en",
                         int fold = 0) {
  std::vector<float> out(kFluencyFeatureCount);
  model.score(text, lang, fold, out.data());
  return out;
}

std::size_t feature(std::string_view name) {
  for (std::size_t i = 0; i < kFluencyFeatureCount; ++i) {
    if (name == fluency_feature_name(i)) return i;
  }
  ADD_FAILURE() << "no fluency feature " << name;
  return 0;
}

TEST(FluencyModel, FeatureNamesAreDistinctAndCoverTheVector) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < kFluencyFeatureCount; ++i) names.insert(fluency_feature_name(i));
  EXPECT_EQ(names.size(), kFluencyFeatureCount);
  EXPECT_FALSE(names.count(""));
  EXPECT_STREQ(fluency_feature_name(kFluencyFeatureCount), "");
}

TEST(FluencyModel, OptionsAndExamplesAreChecked) {
  FluencyOptions options;
  options.buckets_log2 = 3;
  EXPECT_EQ(error_text([&] { options.validate(); }),
            "config: fluency option buckets_log2: must be in 4..26, not 3");
  options = FluencyOptions();
  options.word_order = 0;
  EXPECT_EQ(error_text([&] { FluencyModel::train({}, options); }),
            "config: fluency option word_order: must be in 1..8, not 0");
  const std::vector<FluencyModel::Example> examples = {{"a b", "en", 0}, {"c d", "en", 5}};
  EXPECT_EQ(error_text([&] { FluencyModel::train(examples, FluencyOptions()); }),
            "invalid input: fluency example 1: fold must be 0 or 1, not 5");
  EXPECT_EQ(error_text([&] { score(grammar_model(), "x", "en", 2); }),
            "invalid input: fluency fold: must be 0 or 1, not 2");
}

TEST(FluencyModel, FluentSentenceScoresAboveScrambledOne) {
  const auto fluent = score(grammar_model(), kFluent);
  const auto scrambled = score(grammar_model(), kScrambled);
  EXPECT_GT(fluent[feature("word_logprob_mean")], scrambled[feature("word_logprob_mean")] + 0.5);
  EXPECT_GT(fluent[feature("word_logprob_min")], scrambled[feature("word_logprob_min")]);
  EXPECT_GT(fluent[feature("char_logprob_mean")], scrambled[feature("char_logprob_mean")]);
  EXPECT_LT(fluent[feature("word_unseen_ngram_rate")], scrambled[feature("word_unseen_ngram_rate")]);
  EXPECT_EQ(fluent[feature("word_oov_rate")], 0.0f);
  EXPECT_GT(score(grammar_model(), "the dog walked to the zebra .")[feature("word_oov_rate")], 0.0f);
  EXPECT_FLOAT_EQ(fluent[feature("token_count_log1p")], std::log1p(9.0f));
  const auto zh = score(grammar_model(), kChinese, "zh");
  EXPECT_GT(zh[feature("word_logprob_mean")],
            score(grammar_model(), "书那喜欢们他本。", "zh")[feature("word_logprob_mean")]);
}

TEST(FluencyModel, UnknownLanguageIsPickedByScriptAndScore) {
  EXPECT_EQ(score(grammar_model(), kChinese, ""), score(grammar_model(), kChinese, "zh"));
  EXPECT_EQ(score(grammar_model(), kFrench, "de"), score(grammar_model(), kFrench, "fr"));
  EXPECT_EQ(score(grammar_model(), kFluent, ""), score(grammar_model(), kFluent, "en"));
  const std::size_t gap = feature("en_fr_logprob_gap");
  EXPECT_GT(score(grammar_model(), kFluent, "en")[gap], 0.5f);
  EXPECT_LT(score(grammar_model(), kFrench, "en")[gap], -0.5f);  // French read as English: fr scores better
  EXPECT_EQ(score(grammar_model(), kChinese, "zh")[gap], 0.0f);
}

TEST(FluencyModel, LanguageWithoutTextIsNeverPicked) {
  const std::vector<FluencyModel::Example> examples = {{"the cat sat on the mat", "en", 0},
                                                       {"a dog ran in the park", "en", 0}};
  const FluencyModel model = FluencyModel::train(examples, FluencyOptions());
  const std::string french = "le chat dort sur le tapis";
  EXPECT_EQ(score(model, french, "fr"), score(model, french, "en"));  // no French text: read as English
  EXPECT_EQ(score(model, french, ""), score(model, french, "en"));
  EXPECT_EQ(score(model, french, "")[feature("en_fr_logprob_gap")], 0.0f);
  EXPECT_LT(score(model, french, "")[feature("word_logprob_mean")], -1.0f);
  EXPECT_EQ(score(model, french, "", 1)[feature("word_logprob_mean")], 0.0f);  // fold 1 has no text at all
}

TEST(FluencyModel, EachFoldKnowsOnlyItsOwnExamples) {
  const std::vector<FluencyModel::Example> examples = {{"the cat sat on the mat", "en", 0},
                                                       {"a dog ran in the park", "en", 1}};
  const FluencyModel model = FluencyModel::train(examples, FluencyOptions());
  const std::size_t mean = feature("word_logprob_mean"), oov = feature("word_oov_rate");
  EXPECT_GT(score(model, "the cat sat on the mat", "en", 0)[mean],
            score(model, "the cat sat on the mat", "en", 1)[mean] + 0.5);
  EXPECT_EQ(score(model, "the cat sat on the mat", "en", 0)[oov], 0.0f);
  EXPECT_FLOAT_EQ(score(model, "the cat sat on the mat", "en", 1)[oov], 4.0f / 7);  // cat sat on mat
  EXPECT_EQ(score(model, "a dog ran in the park", "en", 1)[oov], 0.0f);
}

TEST(FluencyModel, FoldOfAGroupIsItsHashModuloTwo) {
  EXPECT_EQ(FluencyModel::fold_of("wi-locness:17"),
            static_cast<int>(hash64("wi-locness:17", FluencyModel::kFoldSeed) % 2));
  int ones = 0;
  for (int g = 0; g < 1000; ++g) ones += FluencyModel::fold_of("group:" + std::to_string(g));
  EXPECT_GT(ones, 400);
  EXPECT_LT(ones, 600);
}

TEST(FluencyModel, SerializedModelScoresIdentically) {
  const std::string bytes = grammar_model().serialize();
  const FluencyModel loaded = FluencyModel::deserialize(bytes, "fluency.bin");
  EXPECT_EQ(loaded.options(), grammar_model().options());
  EXPECT_EQ(loaded.serialize(), bytes);
  for (const std::string& text : {kFluent, kScrambled, kFrench, kChinese, std::string()}) {
    for (int fold : {0, 1})
      EXPECT_EQ(score(loaded, text, "", fold), score(grammar_model(), text, "", fold)) << text;
  }
}

TEST(FluencyModel, TrainingIsDeterministic) {
  EXPECT_EQ(FluencyModel::train(grammar_examples(), FluencyOptions()).serialize(),
            grammar_model().serialize());
}

FluencyModel tiny_model() {
  FluencyOptions options;
  options.buckets_log2 = 4;
  const std::vector<FluencyModel::Example> examples = {
      {"the cat sat on the mat", "en", 0}, {"le chat dort", "fr", 1}, {"我喜欢猫", "zh", 0}};
  return FluencyModel::train(examples, options);
}

TEST(FluencyModel, EveryTruncationIsRejectedNamingTheInput) {
  const std::string bytes = tiny_model().serialize();
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    const std::string text =
        error_text([&] { FluencyModel::deserialize(bytes.substr(0, size), "tiny.bin"); });
    ASSERT_EQ(text.rfind("format: tiny.bin: truncated: ", 0), 0u) << size << ": " << text;
  }
  EXPECT_EQ(
      error_text([&] { FluencyModel::deserialize(bytes.substr(0, 27), "tiny.bin"); }),
      "format: tiny.bin: truncated: 27 bytes is shorter than a fluency model's 28-byte header and checksum");
  EXPECT_EQ(error_text([&] { FluencyModel::deserialize(bytes.substr(0, 100), "tiny.bin"); }),
            "format: tiny.bin: truncated: the header says " + std::to_string(bytes.size()) +
                " bytes, the input has 100");
  EXPECT_EQ(error_text([&] { FluencyModel::deserialize(bytes + "x", "tiny.bin"); }),
            "format: tiny.bin: the header says " + std::to_string(bytes.size()) + " bytes, the input has " +
                std::to_string(bytes.size() + 1));
}

// Rewrites the checksum so a test can reach the checks behind it, as a hostile file would.
std::string with_checksum(std::string bytes) {
  const std::uint64_t sum =
      hash64(std::string_view(bytes).substr(0, bytes.size() - 8), 0x666C75656E637921ULL);
  for (int i = 0; i < 8; ++i) bytes[bytes.size() - 8 + i] = static_cast<char>(sum >> (8 * i));
  return bytes;
}

void set_u32(std::string& bytes, std::size_t offset, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[offset + i] = static_cast<char>(value >> (8 * i));
}

TEST(FluencyModel, CorruptOrForeignBytesAreRejectedWithTheReason) {
  const std::string bytes = tiny_model().serialize();
  auto load = [](const std::string& b) {
    return error_text([&] { FluencyModel::deserialize(b, "tiny.bin"); });
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  EXPECT_EQ(load(flipped), "format: tiny.bin: checksum mismatch: the model is corrupt");
  std::string magic = bytes;
  magic[0] = 'X';
  EXPECT_EQ(load(magic), "format: tiny.bin: not a sieve fluency model (bad magic)");
  std::string version = bytes;
  set_u32(version, 8, 7);
  EXPECT_EQ(load(version), "format: tiny.bin: fluency model version 7, this build reads versions 2 to 5");
  // Behind a valid checksum: the stored options, the folds, then the first word table's size (header 20,
  // options 20, folds 4, contrast 4, order 4, three discounts 12, unigram total and types 8).
  std::string order = bytes;
  set_u32(order, 20, 9);
  EXPECT_EQ(load(with_checksum(order)),
            "format: tiny.bin: stored fluency option word_order must be in 1..8, not 9 (at byte 40)");
  std::string table = bytes;
  set_u32(table, 72, 30);
  EXPECT_EQ(load(with_checksum(table)),
            "format: tiny.bin: table of 2^30 slots exceeds the model's buckets_log2 4 (at byte 76)");
  std::string discount = bytes;
  set_u32(discount, 52, 0x7FC00000);  // NaN
  EXPECT_EQ(load(with_checksum(discount)), "format: tiny.bin: discount nan is outside [0, 1) (at byte 56)");
  std::string folds = bytes;
  set_u32(folds, 40, 3);
  EXPECT_EQ(load(with_checksum(folds)), "format: tiny.bin: stored folds 3, not 1 or 2 (at byte 44)");
  std::string contrast = bytes;
  set_u32(contrast, 44, 2);
  EXPECT_EQ(load(with_checksum(contrast)), "format: tiny.bin: stored contrast 2, not 0 or 1 (at byte 48)");
}

// A hostile file can carry a valid checksum: whatever its bytes, loading either fails with a format error or
// gives a model that scores finite values.
TEST(FluencyModel, ReadsFilesOfVersionsTwoToFourExactly) {
  // Version 4 held exact counts; version 3 is version 4 without the contrast flag (the u32 at byte 44, 0 for
  // a model without contrast text), version 2 is version 3 without max_ngrams (the u64 at byte 32).
  const std::vector<FluencyModel::Example> examples = {
      {"the cat sat on the mat", "en", 0}, {"le chat dort", "fr", 1}, {"我喜欢猫", "zh", 0}};
  FluencyOptions options;
  options.buckets_log2 = 4;
  const std::string four = exact_fluency_file(examples, options);
  const FluencyModel exact = FluencyModel::deserialize(four, "four.bin");
  EXPECT_EQ(exact.serialize(), four);  // a model read from an old file keeps its exact tables
  auto older = [&four](int version) {
    std::string bytes = four;
    bytes.erase(44, 4);
    if (version == 2) bytes.erase(32, 8);
    set_u32(bytes, 8, static_cast<std::uint32_t>(version));
    for (int i = 0; i < 8; ++i) bytes[12 + i] = static_cast<char>(std::uint64_t{bytes.size()} >> (8 * i));
    return FluencyModel::deserialize(with_checksum(bytes), "old.bin");
  };
  EXPECT_EQ(older(2).options().max_ngrams, 0u);
  EXPECT_EQ(older(3).options().max_ngrams, options.max_ngrams);
  for (const int version : {2, 3}) {
    const FluencyModel loaded = older(version);
    EXPECT_FALSE(loaded.has_contrast());
    EXPECT_EQ(score(loaded, "the cat sat", "en"), score(exact, "the cat sat", "en"));
  }
  EXPECT_EQ(error_text([&] { FluencyModel::deserialize(four.substr(0, four.size() - 300), "four.bin"); }),
            "format: four.bin: truncated: the header says " + std::to_string(four.size()) +
                " bytes, the input has " + std::to_string(four.size() - 300));
}

// Many sentences seen once, and one sentence seen often: a budget far below the distinct n-grams keeps the
// frequent ones.
std::vector<FluencyModel::Example> frequent_and_rare(std::vector<std::string>& texts) {
  std::mt19937 random(7);
  for (int i = 0; i < 400; ++i) {
    std::string text;
    for (int w = 0; w < 8; ++w) text += "w" + std::to_string(random() % 5000) + " ";
    texts.push_back(text);
    if (i % 4 == 0) texts.push_back("the cat sat on the mat");
  }
  std::vector<FluencyModel::Example> examples;
  for (const std::string& text : texts) examples.push_back({text, "en", 0});
  return examples;
}

TEST(FluencyModel, ABudgetBelowTheDistinctNgramsKeepsTheFrequentOnes) {
  std::vector<std::string> texts;
  const std::vector<FluencyModel::Example> examples = frequent_and_rare(texts);
  FluencyOptions options;
  options.max_ngrams = 2000;
  FluencyTrainer trainer(options);
  for (const auto& example : examples) {
    trainer.add(example.text, example.lang, example.fold);
    ASSERT_LE(trainer.held(), options.max_ngrams);
  }
  EXPECT_GT(trainer.pruned(), 0u);
  const FluencyModel pruned = trainer.finish();
  const FluencyModel loaded = FluencyModel::deserialize(pruned.serialize(), "pruned.bin");
  EXPECT_EQ(loaded.options().max_ngrams, 2000u);  // the budget is stated in the model
  const std::vector<float> frequent = score(loaded, "the cat sat on the mat");
  EXPECT_EQ(frequent[feature("word_unseen_ngram_rate")], 0.0f);
  EXPECT_EQ(frequent[feature("word_oov_rate")], 0.0f);
  // Without a budget the rare sentences are all known; with it most of their trigrams are gone.
  options.max_ngrams = 0;
  const FluencyModel exact = FluencyModel::train(examples, options);
  EXPECT_EQ(score(exact, texts[0])[feature("word_unseen_ngram_rate")], 0.0f);
  EXPECT_GT(score(loaded, texts[0])[feature("word_unseen_ngram_rate")], 0.5f);
  EXPECT_LT(loaded.serialize().size(), exact.serialize().size());
}

TEST(FluencyModel, ABudgetThatIsNeverReachedChangesNothingButTheStatedOptions) {
  std::vector<std::string> texts;
  const std::vector<FluencyModel::Example> examples = frequent_and_rare(texts);
  FluencyOptions exact;
  exact.max_ngrams = 0;
  const FluencyModel a = FluencyModel::train(examples, exact);
  const FluencyModel b = FluencyModel::train(examples, FluencyOptions());
  for (const std::string& text : {texts[0], texts[1], std::string("w1 w2 w3")})
    EXPECT_EQ(score(a, text), score(b, text)) << text;
}

// What the trained models say, pinned: how the counts are held while counting may change (and with it
// where a table puts two keys that collide), the probabilities may not (exact counting, a budget that
// prunes, higher orders). The pins of the exact files are those of the models before their tables were
// quantized.
TEST(FluencyModel, TheModelOfTheSameTextsGivesTheSameValues) {
  std::vector<std::string> texts;
  const std::vector<FluencyModel::Example> rare = frequent_and_rare(texts);
  FluencyOptions pruning;
  pruning.max_ngrams = 2000;
  FluencyOptions high;
  high.word_order = 5;
  high.char_order = 8;
  std::vector<std::pair<std::string, std::string>> probes = {
      {kFluent, "en"}, {kScrambled, "en"}, {kFrench, "fr"}, {kChinese, "zh"}, {"w1 w2 w3", "en"}};
  for (std::size_t i = 0; i < texts.size(); i += 7) probes.push_back({texts[i], "en"});
  for (std::size_t i = 0; i < grammar_examples().size(); i += 5)
    probes.push_back({std::string(grammar_examples()[i].text), std::string(grammar_examples()[i].lang)});
  const auto hash = [&probes](const FluencyModel& model) {
    std::vector<float> values;
    for (const auto& [text, lang] : probes) {
      for (int fold = 0; fold < 2; ++fold) {
        const std::vector<float> v = score(model, text, lang, fold);
        values.insert(values.end(), v.begin(), v.end());
      }
    }
    return hash64(values.data(), values.size() * sizeof(float), 0);
  };
  EXPECT_EQ(hash(grammar_model()), 4432017113389450601ULL);
  EXPECT_EQ(hash(FluencyModel::train(rare, FluencyOptions())), 13865093310102029212ULL);
  EXPECT_EQ(hash(FluencyModel::train(rare, pruning)), 5356226257445049792ULL);
  EXPECT_EQ(hash(FluencyModel::train(grammar_examples(), high)), 10059700163732475093ULL);
  // The same texts in files of format 4 (exact counts) score as such files always did.
  const auto exact = [](const std::vector<FluencyModel::Example>& examples, const FluencyOptions& options) {
    return FluencyModel::deserialize(exact_fluency_file(examples, options), "exact.bin");
  };
  EXPECT_EQ(hash(exact(grammar_examples(), FluencyOptions())), 17349162278060071483ULL);
  EXPECT_EQ(hash(exact(rare, FluencyOptions())), 3261247132854328166ULL);
  EXPECT_EQ(hash(exact(grammar_examples(), high)), 4210973854438349877ULL);
}

TEST(FluencyModel, CorruptBytesBehindAValidChecksumNeverCrash) {
  const std::string bytes = tiny_model().serialize();
  std::mt19937 rng(11);
  int loaded = 0;
  for (int n = 0; n < 300; ++n) {
    std::string corrupt = bytes;
    for (int k = 0; k < 4; ++k) corrupt[20 + rng() % (bytes.size() - 28)] = static_cast<char>(rng());
    try {
      const FluencyModel model = FluencyModel::deserialize(with_checksum(corrupt), "tiny.bin");
      ++loaded;
      for (float v : score(model, "the cat sat on the mat", "", 0)) ASSERT_TRUE(std::isfinite(v));
    } catch (const Error& e) {
      ASSERT_EQ(e.kind(), ErrorKind::kFormat) << e.what();
      ASSERT_EQ(e.where(), "tiny.bin");
    }
  }
  EXPECT_GT(loaded, 0);  // most flips land in table slots, which any value may fill
}

TEST(FluencyModel, AnyTextGivesFiniteValues) {
  std::vector<std::string> texts = {"",    " ", "\xff\xfe\xc3",        "<url> <user> <num>",
                                    "!!!", "😂", std::string(5000, 'a')};
  std::mt19937 rng(3);
  for (int n = 0; n < 200; ++n) {
    std::string bytes(rng() % 120, '\0');
    for (char& b : bytes) b = static_cast<char>(rng());
    texts.push_back(bytes);
  }
  const FluencyModel empty = FluencyModel::train({}, FluencyOptions());
  for (const FluencyModel* model : {&grammar_model(), &empty}) {
    for (const std::string& text : texts) {
      for (const char* lang : {"", "en", "fr", "zh", "de"}) {
        for (float v : score(*model, text, lang, 1)) {
          ASSERT_TRUE(std::isfinite(v)) << text << " as " << lang;
          ASSERT_LE(v, 10.0f);
          ASSERT_GE(v, -10.0f);
        }
      }
    }
  }
  EXPECT_EQ(score(grammar_model(), "")[feature("token_count_log1p")], 0.0f);
}

}  // namespace
}  // namespace sieve::tokenizer
