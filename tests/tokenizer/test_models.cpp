#include "test_models.h"

#include <map>
#include <mutex>
#include <random>

#include "corpus.h"
#include "disk_cache.h"
#include "sieve/tokenizer/normalizer.h"

namespace sieve::tokenizer::testing {
namespace {

std::vector<std::string> generated_sentences() {
  const std::vector<std::string> subjects = {
      "The prime minister", "Le premier ministre", "The senator", "La députée", "这个总理", "那位议员"};
  const std::vector<std::string> verbs = {"stole", "a volé", "hid", "a caché", "贪污了", "隐瞒了"};
  const std::vector<std::string> objects = {"the money",  "l'argent", "the report",
                                            "le rapport", "公款",     "真相"};
  std::mt19937 rng(3);
  const Normalizer normalizer;
  std::vector<std::string> sentences;
  for (int i = 0; i < 3000; ++i) {
    std::string s = subjects[rng() % subjects.size()] + " " + verbs[rng() % verbs.size()] + " " +
                    objects[rng() % objects.size()] + " " + std::to_string(rng() % 2000) + " #scandal @user" +
                    std::to_string(i % 50);
    sentences.push_back(normalizer.normalize(s));
  }
  return sentences;
}

}  // namespace

const SubwordModel& small_model() {
  static const SubwordModel model = [] {
    SubwordTrainerOptions options;
    options.vocab_size = 400;
    return SubwordModel::train(generated_sentences(), options);
  }();
  return model;
}

const std::vector<std::string>& normalized_corpus(const std::string& file) {
  static std::mutex mutex;
  static std::map<std::string, std::vector<std::string>> cache;
  const std::lock_guard<std::mutex> lock(mutex);
  auto [it, inserted] = cache.try_emplace(file);
  if (inserted && sieve::testing::corpus_missing_message(file).empty()) {
    const Normalizer normalizer;
    for (const auto& text : sieve::testing::read_corpus_texts(file))
      it->second.push_back(normalizer.normalize(text));
  }
  return it->second;
}

const SubwordModel* corpus_model() {
  static const std::unique_ptr<SubwordModel> model = []() -> std::unique_ptr<SubwordModel> {
    if (!sieve::testing::corpus_missing_message("train.jsonl").empty()) return nullptr;
    SubwordTrainerOptions options;
    options.vocab_size = 8000;
    options.max_sentences = 40000;
    // Kept on disk: ctest runs each test case in a process of its own.
    const std::string key = sieve::testing::file_identity("/proc/self/exe") + " " +
                            sieve::testing::file_identity(sieve::testing::corpus_dir() + "/train.jsonl") +
                            " vocab 8000, 40000 sentences";
    const std::string dir =
        sieve::testing::cached_dir("corpus_subword_model", key, [&](const std::string& d) {
          SubwordModel::train(normalized_corpus("train.jsonl"), options).save(d + "/spm.model");
        });
    return std::make_unique<SubwordModel>(SubwordModel::load(dir + "/spm.model"));
  }();
  return model.get();
}

}  // namespace sieve::tokenizer::testing
