#pragma once
// A campaign model: a small linear model learned from one campaign's labelled posts (sieve adapt), kept
// beside the base model's head for the same label. It reads the features the base model's featurizer
// already computed, so scoring it costs a few hundred table reads a post.
//
// Two linear parts over the same features:
//   score: the campaign's logit, from the post's feature rows, its dense values and the base head's logit
//          (stacked: a weight on the base logit is learned with the rest);
//   gate:  how much the post looks like the campaign's stream (its labelled posts) rather than the base
//          model's training posts: a linear value clamped to [0, 1] (at -1 and below the post keeps the
//          base head's logit exactly, at +1 and above it gets the campaign's); the head's output moves from
//          the base logit to the campaign's logit by that much, so other traffic keeps the base head's
//          behaviour.
// The features of a post come in three blocks (subword ids, subword bigrams, character n-grams); each
// block's weights are summed and divided by the square root of its id count, so no block drowns the
// others by its length. Dense values enter standardised.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sieve/format/model_file.h"

namespace sieve::infer {

// The features of one post as the campaign model reads them.
struct CampaignPost {
  const std::uint32_t* ids = nullptr;  // subword ids, bigram ids, n-gram ids (tokenizer::Features order)
  std::size_t id_count = 0;
  std::uint32_t subword_count = 0;
  std::uint32_t bigram_count = 0;
  const float* dense = nullptr;  // dense_width values, or nullptr when the model has none

  // Where each of the three feature blocks ends in ids: subwords, bigrams, n-grams.
  std::array<std::size_t, 3> block_ends() const {
    return {subword_count, std::size_t{subword_count} + bigram_count, id_count};
  }
};

// What each id of a feature block of `ids` ids counts: 1 / sqrt(ids), so no block drowns the others by its
// length. The trainer builds its inputs with it, the runtime scores with it.
inline float campaign_block_weight(std::size_t ids) {
  return ids > 0 ? 1.0f / std::sqrt(static_cast<float>(ids)) : 0.0f;
}

// What a campaign is, as `sieve campaigns` lists it and the adapted model's file stores it.
struct CampaignInfo {
  std::string name;
  std::string head;            // the binary head whose output it changes
  std::size_t posts = 0;       // labelled posts it learned from
  std::size_t positives = 0;   // of which labelled 1
  std::size_t background = 0;  // base training posts its gate learned as "not the campaign"
  std::string trained_at;      // UTC, ISO 8601
  std::string held_back_json;  // the held-back evaluation of `sieve adapt` (a JSON object)
};

class CampaignModel {
 public:
  // Weight rows per part: one per feature row of the featurizer's table.
  CampaignModel(CampaignInfo info, std::size_t table_size, std::size_t dense_width);

  const CampaignInfo& info() const { return info_; }
  std::size_t table_size() const { return score_rows_.size(); }
  std::size_t dense_width() const { return dense_mean_.size(); }

  // The campaign's logit for a post whose base head gave base_logit.
  float logit(const CampaignPost& post, float base_logit) const;
  // How far the post belongs to the campaign's stream, in [0, 1].
  float gate(const CampaignPost& post) const;

  // The parameters, for the trainer and the file.
  std::vector<float>& score_rows() { return score_rows_; }
  std::vector<float>& gate_rows() { return gate_rows_; }
  std::vector<float>& dense_mean() { return dense_mean_; }
  std::vector<float>& dense_scale() { return dense_scale_; }  // 1 / standard deviation
  std::vector<float>& score_dense() { return score_dense_; }
  std::vector<float>& gate_dense() { return gate_dense_; }
  const std::vector<float>& dense_mean() const { return dense_mean_; }
  const std::vector<float>& dense_scale() const { return dense_scale_; }
  float base_weight = 0;
  float score_bias = 0;
  float gate_bias = 0;

  // Appends this campaign as campaign.<index>.* tensors; its info goes in campaigns_json().
  void add_tensors(ModelFileWriter& writer, std::size_t index) const;

 private:
  float linear(const std::vector<float>& rows, const std::vector<float>& dense_weights,
               const CampaignPost& post) const;

  CampaignInfo info_;
  std::vector<float> score_rows_, gate_rows_;
  std::vector<float> dense_mean_, dense_scale_, score_dense_, gate_dense_;
};

// The key of the model file's metadata that lists the campaigns.
inline constexpr const char* kCampaignsMetadataKey = "campaigns";

// The campaigns of a model file, in stored order; none when the file has no "campaigns" entry. Throws
// Error(kFormat, file path, ...) naming the campaign when its entry or tensors are malformed, its sizes
// disagree with table_size and dense_width, or a value is not finite.
std::vector<CampaignModel> read_campaigns(const ModelFile& file, std::size_t table_size,
                                          std::size_t dense_width);

// The "campaigns" metadata entry for these campaigns (their tensors: CampaignModel::add_tensors).
std::string campaigns_json(const std::vector<CampaignModel>& campaigns);

// Writes base's metadata and tensors with its campaigns replaced by `campaigns` to out.
void write_with_campaigns(const ModelFile& base, const std::vector<CampaignModel>& campaigns,
                          const std::string& out);

}  // namespace sieve::infer
