#include "sieve/runtime/model.h"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "sieve/core/error.h"
#include "sieve/core/utf8.h"

namespace sieve::infer {
namespace {

// The self-test compares probabilities; fp32 weights reproduce the trainer's up to summation order,
// int8 weights move them by up to a few hundredths.
constexpr double kFp32Tolerance = 1e-3;
constexpr double kInt8Tolerance = 0.05;

PostIds ids_of(const tokenizer::Features& features) {
  return PostIds{features.ids.data(), features.ids.size(), features.subword_count, features.dense.data(),
                 features.dense.size()};
}

// The fluency model stored in the file, when the featurizer reads one. Its tables are used in place in the
// mapping, which the fluency model keeps alive (the featurizer's copy of it may outlive this model).
std::shared_ptr<const tokenizer::FluencyModel> stored_fluency(const ModelFile& file,
                                                              const tokenizer::FeaturizerSettings& settings) {
  if (!settings.fluency) return nullptr;
  const auto& blob = file.tensor("fluency.model");
  const std::uint8_t* bytes = file.u8("fluency.model", {ModelFile::kAnyDim});
  return std::make_shared<const tokenizer::FluencyModel>(tokenizer::FluencyModel::view(
      std::string_view(reinterpret_cast<const char*>(bytes), blob.bytes), file.path() + ": fluency.model",
      file.keep_alive()));
}

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// log P(class c) of a softmax over logits[0, n).
float log_probability(const float* logits, int n, int c) {
  const float top = *std::max_element(logits, logits + n);
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += std::exp(static_cast<double>(logits[i] - top));
  return logits[c] - top - static_cast<float>(std::log(sum));
}

bool is_wide_script(char32_t cp) {
  // CJK, Hiragana, Katakana, Hangul and their punctuation: written without spaces between words.
  return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x3FFFF);
}

bool has_wide_script(std::string_view word) {
  for (std::size_t i = 0; i < word.size();) {
    if (is_wide_script(utf8::decode(word, i, nullptr))) return true;
  }
  return false;
}

// The spans explain() leaves out: space-separated words, and the subword pieces of words in scripts
// written without spaces (where a "word" is a whole sentence). Pieces whose text does not rebuild the
// word (byte fallback) leave it whole.
std::vector<std::pair<std::size_t, std::size_t>> explain_spans(std::string_view normalized,
                                                               const tokenizer::SubwordModel& subwords) {
  static constexpr std::string_view kWordMark = "\xE2\x96\x81";  // U+2581, SentencePiece's word start
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::vector<std::uint32_t> ids;
  for (std::size_t begin = 0; begin < normalized.size();) {
    std::size_t end = std::min(normalized.find(' ', begin), normalized.size());
    const std::string_view word = normalized.substr(begin, end - begin);
    if (!word.empty() && has_wide_script(word)) {
      ids.clear();
      subwords.encode(word, ids);
      std::vector<std::pair<std::size_t, std::size_t>> pieces;
      std::size_t at = begin;
      bool rebuilt = true;
      for (const std::uint32_t id : ids) {
        std::string piece = subwords.piece(static_cast<int>(id));
        if (piece.compare(0, kWordMark.size(), kWordMark) == 0) piece.erase(0, kWordMark.size());
        if (piece.empty()) continue;
        if (normalized.compare(at, piece.size(), piece) != 0) {
          rebuilt = false;
          break;
        }
        pieces.emplace_back(at, at + piece.size());
        at += piece.size();
      }
      if (rebuilt && at == end && pieces.size() > 1) {
        spans.insert(spans.end(), pieces.begin(), pieces.end());
      } else {
        spans.emplace_back(begin, end);
      }
    } else if (!word.empty()) {
      spans.emplace_back(begin, end);
    }
    begin = end + 1;
  }
  return spans;
}

}  // namespace

Model::Model(ModelFile file) : file_(std::move(file)) {
  const std::string& path = file_.path();
  metadata_ = ModelMetadata::parse(file_.metadata("sieve"), path);
  try {
    const auto& blob = file_.tensor("tokenizer.model");
    const std::uint8_t* bytes = file_.u8("tokenizer.model", {ModelFile::kAnyDim});
    auto subwords = tokenizer::SubwordModel::from_bytes(
        std::string_view(reinterpret_cast<const char*>(bytes), blob.bytes), path + ": tokenizer.model");
    const auto settings = tokenizer::FeaturizerSettings::from_json(metadata_.featurizer_json);
    featurizer_ = std::make_unique<tokenizer::Featurizer>(
        tokenizer::Normalizer(tokenizer::NormalizerSettings::from_json(metadata_.normalizer_json)),
        std::move(subwords), settings, stored_fluency(file_, settings));
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kFormat && e.kind() != ErrorKind::kConfig) throw;
    throw Error(ErrorKind::kFormat, path, std::string("tokenizer: ") + e.what());
  }
  if (featurizer_->table_size() != metadata_.table_size ||
      static_cast<std::uint32_t>(featurizer_->subwords().vocab_size()) != metadata_.vocab_size) {
    throw Error(ErrorKind::kFormat, path,
                "the tokenizer gives " + std::to_string(featurizer_->subwords().vocab_size()) +
                    " subwords and " + std::to_string(featurizer_->table_size()) +
                    " table rows, the model expects " + std::to_string(metadata_.vocab_size) + " and " +
                    std::to_string(metadata_.table_size));
  }
  if (featurizer_->settings().dense_width() != static_cast<std::size_t>(metadata_.model.dense_inputs)) {
    throw Error(ErrorKind::kFormat, path,
                "the featurizer gives " + std::to_string(featurizer_->settings().dense_width()) +
                    " dense values, the model reads " + std::to_string(metadata_.model.dense_inputs));
  }
  network_ = std::make_unique<Network>(file_, metadata_.model);
  out_of_domain_ = OutOfDomain::read(file_, metadata_.table_size);
  read_campaign_models();
}

void Model::read_campaign_models() {
  campaigns_ = read_campaigns(file_, metadata_.table_size, featurizer_->settings().dense_width());
  for (const CampaignModel& campaign : campaigns_) {
    const auto head = std::find_if(metadata_.heads.begin(), metadata_.heads.end(),
                                   [&](const HeadInfo& h) { return h.name == campaign.info().head; });
    if (head == metadata_.heads.end() || !head->binary) {
      throw Error(ErrorKind::kFormat, file_.path(),
                  "campaign '" + campaign.info().name + "' belongs to '" + campaign.info().head +
                      "', which is not a binary head of the model");
    }
    campaign_offsets_.push_back(output_offset(static_cast<std::size_t>(head - metadata_.heads.begin())));
  }
}

// Each head with campaigns moves from its network logit towards each campaign's logit by that campaign's
// gate; where the gates of several campaigns of a head overlap, their moves are averaged by gate.
void Model::apply_campaigns(const tokenizer::Features& features, float* logits) const {
  if (campaigns_.empty()) return;
  const CampaignPost post{features.ids.data(), features.ids.size(), features.subword_count,
                          features.bigram_count, features.dense.empty() ? nullptr : features.dense.data()};
  for (std::size_t k = 0; k < campaigns_.size(); ++k) {
    const std::size_t offset = campaign_offsets_[k];
    if (std::find(campaign_offsets_.begin(), campaign_offsets_.begin() + static_cast<std::ptrdiff_t>(k),
                  offset) != campaign_offsets_.begin() + static_cast<std::ptrdiff_t>(k)) {
      continue;  // this head was done with an earlier campaign of it
    }
    const float base = logits[offset];
    float move = 0, weight = 0;
    for (std::size_t j = k; j < campaigns_.size(); ++j) {
      if (campaign_offsets_[j] != offset) continue;
      const float gate = campaigns_[j].gate(post);
      if (gate == 0) continue;  // the post is not of the campaign's kind: its score part is not needed
      move += gate * (campaigns_[j].logit(post, base) - base);
      weight += gate;
    }
    logits[offset] = base + move / std::max(1.0f, weight);
  }
}

std::unique_ptr<const Model> Model::load(const std::string& path) {
  return std::unique_ptr<const Model>(new Model(ModelFile::open(path)));
}

void Model::network_logits(const tokenizer::Features& features, ScoreWorkspace& workspace,
                           float* logits) const {
  network_->forward(ids_of(features), workspace.network, logits);
}

void Model::logits(std::string_view text, ScoreWorkspace& workspace, float* logits) const {
  featurizer_->featurize(text, workspace.features, workspace.featurizer);
  network_logits(workspace.features, workspace, logits);
  apply_campaigns(workspace.features, logits);
}

float Model::binary_probability(float logit, double temperature) {
  return sigmoid(logit * static_cast<float>(1.0 / temperature));
}

void Model::probabilities(const float* logits, float* out, bool calibrated) const {
  for (std::size_t h = 0; h < metadata_.heads.size(); ++h) {
    const HeadInfo& head = metadata_.heads[h];
    const double temperature = calibrated ? head.temperature : 1.0;
    const std::size_t offset = output_offset(h);
    if (head.binary) {
      out[offset] = binary_probability(logits[offset], temperature);
      continue;
    }
    const auto inverse_temperature = static_cast<float>(1.0 / temperature);
    const int n = head.outputs();
    float top = logits[offset];
    for (int c = 1; c < n; ++c) top = std::max(top, logits[offset + c]);
    float sum = 0;
    for (int c = 0; c < n; ++c) {
      out[offset + c] = std::exp((logits[offset + c] - top) * inverse_temperature);
      sum += out[offset + c];
    }
    for (int c = 0; c < n; ++c) out[offset + c] /= sum;
  }
}

void Model::score(std::string_view text, ScoreWorkspace& workspace, float* out) const {
  workspace.logits.resize(output_count());
  logits(text, workspace, workspace.logits.data());
  probabilities(workspace.logits.data(), out);
}

PostFamiliarity Model::familiarity(const tokenizer::Features& features) const {
  PostFamiliarity f;
  f.subwords = features.subword_count;
  if (out_of_domain_) f.rarity = out_of_domain_->post_rarity(features.ids.data(), features.ids.size());
  return f;
}

void Model::score_batch(const std::vector<std::string_view>& texts, float* out,
                        PostFamiliarity* familiarity) const {
  tbb::enumerable_thread_specific<ScoreWorkspace> workspaces;
  const std::size_t width = output_count();
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, texts.size(), 32), [&](const auto& range) {
    ScoreWorkspace& workspace = workspaces.local();
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      score(texts[i], workspace, out + i * width);
      if (familiarity) familiarity[i] = this->familiarity(workspace.features);
    }
  });
}

std::vector<SpanContribution> Model::explain(std::string_view text, std::size_t head, std::size_t top_k,
                                             ScoreWorkspace& workspace) const {
  if (head >= metadata_.heads.size()) throw Error(ErrorKind::kInvalidInput, "explain", "no such head");
  const std::string normalized = featurizer_->normalizer().normalize(text);
  const std::size_t offset = output_offset(head);
  const int classes = metadata_.heads[head].outputs();
  workspace.logits.resize(output_count());
  workspace.other_logits.resize(output_count());
  logits(normalized, workspace, workspace.logits.data());
  const float* full = workspace.logits.data() + offset;
  const int chosen = classes == 1 ? 0 : static_cast<int>(std::max_element(full, full + classes) - full);
  const auto head_score = [&](const float* row) {
    return classes == 1 ? row[0] : log_probability(row, classes, chosen);
  };
  const float full_score = head_score(full);

  std::vector<SpanContribution> spans;
  for (const auto& [begin, end] : explain_spans(normalized, featurizer_->subwords())) {
    // A word leaves a space behind; a piece inside a word is cut out so the rest stays one word.
    const bool whole_word =
        (begin == 0 || normalized[begin - 1] == ' ') && (end == normalized.size() || normalized[end] == ' ');
    workspace.text.assign(normalized, 0, begin);
    if (whole_word) workspace.text += ' ';
    workspace.text.append(normalized, end);
    featurizer_->featurize(workspace.text, workspace.other, workspace.featurizer);
    network_logits(workspace.other, workspace, workspace.other_logits.data());
    apply_campaigns(workspace.other, workspace.other_logits.data());
    const float change = full_score - head_score(workspace.other_logits.data() + offset);
    spans.push_back({begin, end, normalized.substr(begin, end - begin), change});
  }
  const std::size_t keep = std::min(top_k, spans.size());
  std::partial_sort(
      spans.begin(), spans.begin() + static_cast<std::ptrdiff_t>(keep), spans.end(),
      [](const auto& a, const auto& b) { return std::fabs(a.logit_change) > std::fabs(b.logit_change); });
  spans.resize(keep);
  return spans;
}

SelfTestResult Model::self_test() const {
  SelfTestResult result;
  result.tolerance = network_->quantized() ? kInt8Tolerance : kFp32Tolerance;
  ScoreWorkspace workspace;
  std::vector<float> raw(output_count()), probabilities(output_count());
  for (std::size_t s = 0; s < metadata_.self_test.size(); ++s) {
    const SelfTestSample& sample = metadata_.self_test[s];
    featurizer_->featurize(sample.text, workspace.features, workspace.featurizer);
    network_logits(workspace.features, workspace, raw.data());
    this->probabilities(raw.data(), probabilities.data(), /*calibrated=*/false);
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
      const double difference = std::fabs(probabilities[i] - sample.probabilities[i]);
      if (difference > result.max_difference) {
        result.max_difference = difference;
        result.worst_sample = s;
      }
    }
    ++result.samples;
  }
  return result;
}

}  // namespace sieve::infer
