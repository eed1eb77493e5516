#pragma once
// A model.sieve loaded for scoring: the file mapped, its metadata checked, the featurizer rebuilt from the
// settings and tokenizer inside it, the network bound to its weights. Raw posts in, probabilities out.
// Immutable once loaded: one Model serves any number of threads, each with its own ScoreWorkspace.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/format/model_file.h"
#include "sieve/format/model_metadata.h"
#include "sieve/network/network.h"
#include "sieve/runtime/campaign_model.h"
#include "sieve/runtime/out_of_domain.h"
#include "sieve/tokenizer/featurizer.h"

namespace sieve::infer {

// Per-thread scratch of Model: after the first posts, scoring allocates nothing.
struct ScoreWorkspace {
  tokenizer::FeaturizerWorkspace featurizer;
  tokenizer::Features features;
  NetworkWorkspace network;
  std::vector<float> logits;
  std::string text;  // explain(): the post with one span left out
  tokenizer::Features other;
  std::vector<float> other_logits;
};

// The self-test of a loaded model: its probabilities for the sample posts the trainer stored.
struct SelfTestResult {
  std::size_t samples = 0;
  double max_difference = 0;  // largest |probability here − probability at training|
  std::size_t worst_sample = 0;
  double tolerance = 0;  // what passes: tight for fp32 weights, looser for int8
  bool passed() const { return max_difference <= tolerance; }
};

// How much one span of the normalized post moved a head's logit: its logit with the whole post minus its
// logit with the span left out. Positive spans push towards the label (binary) or the chosen class.
struct SpanContribution {
  std::size_t begin = 0, end = 0;  // byte offsets in the normalized text
  std::string text;
  float logit_change = 0;
};

class Model {
 public:
  // Throws Error(kIo) when the file cannot be read and Error(kFormat, path, ...) when anything in it is
  // wrong: the container, the metadata, a tensor, the tokenizer, or sizes that disagree.
  static std::unique_ptr<const Model> load(const std::string& path);

  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const ModelFile& file() const { return file_; }
  const ModelMetadata& metadata() const { return metadata_; }
  const std::vector<HeadInfo>& heads() const { return metadata_.heads; }
  const tokenizer::Featurizer& featurizer() const { return *featurizer_; }
  const Network& network() const { return *network_; }
  // Length of a row of probabilities or logits: each head's outputs, concatenated.
  std::size_t output_count() const { return network_->output_count(); }
  std::size_t output_offset(std::size_t head) const { return network_->output_offset(head); }

  // The logits of one raw post into logits[0, output_count()): the network's, with each campaign's head
  // moved towards its campaign's logit by its gate (campaign_model.h).
  void logits(std::string_view text, ScoreWorkspace& workspace, float* logits) const;
  // The network's own logits of features (no campaign applied): the base heads as trained.
  void network_logits(const tokenizer::Features& features, ScoreWorkspace& workspace, float* logits) const;
  // The probabilities of one raw post into probabilities[0, output_count()): each head's logits divided
  // by its temperature, then sigmoid (binary) or softmax (multi-class).
  void score(std::string_view text, ScoreWorkspace& workspace, float* probabilities) const;
  // probabilities from logits, head by head, as score() does. With calibrated = false every head's
  // temperature is taken as 1: the probabilities the trainer computed (and stored for the self-test).
  void probabilities(const float* logits, float* probabilities, bool calibrated = true) const;
  // A binary head's probability of a logit at a temperature, bit for bit as score() computes it (a
  // threshold set on these values decides the same posts at serving time).
  static float binary_probability(float logit, double temperature);
  // Many posts on the threads of the calling task arena (oneTBB): row i of out (output_count() values)
  // for texts[i], and familiarity[i] when familiarity is given. Set the thread count with a
  // tbb::task_arena around the call.
  void score_batch(const std::vector<std::string_view>& texts, float* out,
                   PostFamiliarity* familiarity = nullptr) const;
  // What the out-of-domain signal needs of a post the workspace has just featurized (after score()).
  PostFamiliarity familiarity(const tokenizer::Features& features) const;
  // The out-of-domain statistics stored in the file, or nullptr when it has none (docs/decisions.md).
  const OutOfDomain* out_of_domain() const { return out_of_domain_ ? &*out_of_domain_ : nullptr; }
  // The campaign models stored beside the heads (`sieve adapt`), in stored order.
  const std::vector<CampaignModel>& campaigns() const { return campaigns_; }

  // The top_k spans of the normalized post that moved head's logit most (either way), by leaving each
  // out in turn: words, and the subword pieces of words written without spaces (Chinese). A multi-class
  // head is explained for the class it chooses. Costs one forward pass per span.
  std::vector<SpanContribution> explain(std::string_view text, std::size_t head, std::size_t top_k,
                                        ScoreWorkspace& workspace) const;

  // Scores the self-test samples stored in the file and compares with the trainer's probabilities, at
  // temperature 1 as the trainer computed them: `sieve calibrate` changes the temperatures, never what
  // the network computes. The network alone: campaigns are checked when the file is read.
  SelfTestResult self_test() const;

 private:
  explicit Model(ModelFile file);
  void read_campaign_models();
  void apply_campaigns(const tokenizer::Features& features, float* logits) const;

  ModelFile file_;
  ModelMetadata metadata_;
  std::unique_ptr<tokenizer::Featurizer> featurizer_;
  std::unique_ptr<Network> network_;
  std::optional<OutOfDomain> out_of_domain_;
  std::vector<CampaignModel> campaigns_;
  std::vector<std::size_t> campaign_offsets_;  // per campaign: its head's output offset
};

}  // namespace sieve::infer
