#include "sieve/tokenizer/featurizer.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <unordered_map>

#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "sieve/tokenizer/script_hint.h"
#include "sieve/tokenizer/style_features.h"

namespace sieve::tokenizer {
namespace {

// Distinct seeds for the two hashed feature kinds, so a bigram and an n-gram with equal bytes differ.
constexpr std::uint64_t kBigramSalt = 0x9E3779B97F4A7C15ull;
constexpr std::uint64_t kNgramSalt = 0xC2B2AE3D27D4EB4Full;
// Words longer than this are featurized every time instead of being cached.
constexpr std::size_t kMaxCachedWordBytes = 64;
// The cache is dropped when it holds this many words, which bounds a workspace to tens of MB.
constexpr std::size_t kMaxCachedWords = 1u << 18;
// Markers around a word for character n-grams: control characters never survive the normalizer.
constexpr char kWordBegin = '\x02';
constexpr char kWordEnd = '\x03';

bool is_placeholder(std::string_view word) {
  return word == kUrlToken || word == kUserToken || word == kEmailToken || word == kNumberToken;
}

}  // namespace

struct FeaturizerWorkspace::Impl {
  struct CachedWord {
    std::vector<std::uint32_t> subwords;
    std::vector<std::uint32_t> ngrams;
  };
  std::string normalized;
  std::string key;
  std::string padded;
  std::vector<std::uint32_t> ngrams;
  std::vector<std::uint32_t> word_subwords;
  std::vector<std::uint32_t> word_ngrams;
  std::vector<std::uint32_t> char_starts;
  std::unordered_map<std::string, CachedWord> cache;
};

FeaturizerWorkspace::FeaturizerWorkspace() : impl_(std::make_unique<Impl>()) {}
FeaturizerWorkspace::~FeaturizerWorkspace() = default;
FeaturizerWorkspace::FeaturizerWorkspace(FeaturizerWorkspace&&) noexcept = default;
FeaturizerWorkspace& FeaturizerWorkspace::operator=(FeaturizerWorkspace&&) noexcept = default;

Featurizer::Featurizer(Normalizer normalizer, SubwordModel subwords, FeaturizerSettings settings,
                       std::shared_ptr<const FluencyModel> fluency)
    : normalizer_(std::move(normalizer)),
      subwords_(std::move(subwords)),
      settings_(settings),
      fluency_(std::move(fluency)),
      vocab_size_(static_cast<std::uint32_t>(subwords_.vocab_size())) {
  settings_.validate();
  if (settings_.fluency && !fluency_)
    throw Error(ErrorKind::kConfig, "featurizer.fluency", "is on, but no fluency model was given");
}

void Featurizer::dense_values(std::string_view text, std::string_view normalized, int fluency_fold,
                              Features& out) const {
  out.dense.resize(settings_.dense_width());
  float* next = out.dense.data();
  if (settings_.style) {
    // With style_by_script a Chinese post fills the second block, any other the first; the other is zeros.
    const bool second_block = settings_.style_by_script && mostly_han(normalized);
    std::fill(next, next + settings_.style_width(), 0.0f);
    style_features(text, normalized, next + (second_block ? kStyleFeatureCount : 0));
    next += settings_.style_width();
  }
  if (!settings_.fluency) return;
  // One block of fluency values per language, zeros but for the language that scored the post: a head
  // weighs a Chinese character model's numbers apart from an English word model's.
  std::array<float, kFluencyFeatureCount + kFluencyStatisticCount> values{};
  const bool statistics = settings_.fluency_statistics;
  const int lang = fluency_->score(normalized, "", fluency_fold, values.data(),
                                   statistics ? values.data() + kFluencyFeatureCount : nullptr);
  const std::size_t block = kFluencyFeatureCount + (statistics ? kFluencyStatisticCount : 0);
  std::fill(next, next + block * kFluencyLanguageCount, 0.0f);
  std::copy_n(values.begin(), block, next + static_cast<std::size_t>(lang) * block);
}

void Featurizer::featurize(std::string_view text, Features& out, FeaturizerWorkspace& workspace,
                           NormalizeStats* stats, int fluency_fold) const {
  FeaturizerWorkspace::Impl& ws = *workspace.impl_;
  normalizer_.normalize(text, ws.normalized, stats);
  out.ids.clear();
  ws.ngrams.clear();
  const std::string_view normalized = ws.normalized;

  // Pieces never cross a space, so each word is encoded (and cached) on its own. With white space left
  // uncollapsed, runs of spaces are pieces of their own: the whole text is encoded in one call instead.
  const bool per_word_subwords = normalizer_.settings().collapse_whitespace;
  if (!per_word_subwords) subwords_.encode(normalized, out.ids);
  for (std::size_t begin = 0; begin < normalized.size();) {
    std::size_t end = normalized.find(' ', begin);
    if (end == std::string_view::npos) end = normalized.size();
    if (end > begin) {
      const std::string_view word = normalized.substr(begin, end - begin);
      const std::size_t subwords_before = out.ids.size();
      append_word(word, out.ids, ws.ngrams, ws);
      if (!per_word_subwords) out.ids.resize(subwords_before);
    }
    begin = end + 1;
  }
  out.subword_count = static_cast<std::uint32_t>(out.ids.size());

  out.bigram_count = 0;
  if (settings_.subword_bigrams && out.subword_count > 1) {
    for (std::uint32_t i = 1; i < out.subword_count; ++i)
      out.ids.push_back(bigram_id(out.ids[i - 1], out.ids[i]));
    out.bigram_count = out.subword_count - 1;
  }
  out.ids.insert(out.ids.end(), ws.ngrams.begin(), ws.ngrams.end());
  dense_values(text, normalized, fluency_fold, out);
}

std::uint32_t Featurizer::bigram_id(std::uint32_t first, std::uint32_t second) const {
  const std::uint64_t h = hash_pair(first, second, settings_.seed ^ kBigramSalt);
  return vocab_size_ + static_cast<std::uint32_t>(h % settings_.hash_buckets);
}

void Featurizer::word_features(std::string_view word, std::vector<std::uint32_t>& subwords,
                               std::vector<std::uint32_t>& ngrams, FeaturizerWorkspace& workspace) const {
  append_word(word, subwords, ngrams, *workspace.impl_);
}

void Featurizer::append_word(std::string_view word, std::vector<std::uint32_t>& subwords,
                             std::vector<std::uint32_t>& ngrams, FeaturizerWorkspace::Impl& ws) const {
  const bool cacheable = word.size() <= kMaxCachedWordBytes;
  if (cacheable) {
    ws.key.assign(word);
    const auto hit = ws.cache.find(ws.key);
    if (hit != ws.cache.end()) {
      subwords.insert(subwords.end(), hit->second.subwords.begin(), hit->second.subwords.end());
      ngrams.insert(ngrams.end(), hit->second.ngrams.begin(), hit->second.ngrams.end());
      return;
    }
  }
  ws.word_subwords.clear();
  subwords_.encode(word, ws.word_subwords);
  ws.word_ngrams.clear();
  if (settings_.char_ngrams() && !is_placeholder(word)) char_ngrams(word, ws.word_ngrams, ws);
  subwords.insert(subwords.end(), ws.word_subwords.begin(), ws.word_subwords.end());
  ngrams.insert(ngrams.end(), ws.word_ngrams.begin(), ws.word_ngrams.end());
  if (cacheable) {
    if (ws.cache.size() >= kMaxCachedWords) ws.cache.clear();
    ws.cache.emplace(ws.key, FeaturizerWorkspace::Impl::CachedWord{ws.word_subwords, ws.word_ngrams});
  }
}

// Every n-gram of code points, min ≤ n ≤ max, of the word with a begin and an end marker around it.
void Featurizer::char_ngrams(std::string_view word, std::vector<std::uint32_t>& out,
                             FeaturizerWorkspace::Impl& ws) const {
  ws.padded.clear();
  ws.padded.push_back(kWordBegin);
  ws.padded.append(word);
  ws.padded.push_back(kWordEnd);
  ws.char_starts.clear();
  for (std::uint32_t i = 0; i < ws.padded.size(); ++i) {
    if ((static_cast<unsigned char>(ws.padded[i]) & 0xC0) != 0x80) ws.char_starts.push_back(i);
  }
  const auto chars = static_cast<int>(ws.char_starts.size());
  ws.char_starts.push_back(static_cast<std::uint32_t>(ws.padded.size()));
  const std::uint64_t seed = settings_.seed ^ kNgramSalt;
  for (int first = 0; first < chars; ++first) {
    for (int n = settings_.char_ngram_min; n <= settings_.char_ngram_max && first + n <= chars; ++n) {
      const std::uint32_t begin = ws.char_starts[first];
      const std::uint32_t end = ws.char_starts[first + n];
      const std::uint64_t h = hash64(ws.padded.data() + begin, end - begin, seed);
      out.push_back(vocab_size_ + static_cast<std::uint32_t>(h % settings_.hash_buckets));
    }
  }
}

Features Featurizer::featurize(std::string_view text) const {
  FeaturizerWorkspace workspace;
  Features features;
  featurize(text, features, workspace);
  return features;
}

FeatureBatch Featurizer::featurize_batch(const std::vector<std::string>& texts) const {
  std::vector<Features> features(texts.size());
  std::vector<char> invalid(texts.size(), 0);
  tbb::enumerable_thread_specific<FeaturizerWorkspace> workspaces;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, texts.size(), 64), [&](const auto& range) {
    FeaturizerWorkspace& workspace = workspaces.local();
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      NormalizeStats stats;
      featurize(texts[i], features[i], workspace, &stats);
      invalid[i] = stats.invalid_utf8_bytes > 0;
    }
  });
  FeatureBatch batch;
  std::size_t total = 0;
  for (const auto& f : features) total += f.ids.size();
  batch.ids.reserve(total);
  batch.offsets.reserve(texts.size() + 1);
  batch.subword_counts.reserve(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    batch.ids.insert(batch.ids.end(), features[i].ids.begin(), features[i].ids.end());
    batch.offsets.push_back(batch.ids.size());
    batch.subword_counts.push_back(features[i].subword_count);
    batch.dense.insert(batch.dense.end(), features[i].dense.begin(), features[i].dense.end());
    batch.invalid_utf8_posts += invalid[i];
  }
  return batch;
}

}  // namespace sieve::tokenizer
