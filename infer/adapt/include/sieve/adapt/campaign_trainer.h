#pragma once
// Learning a campaign model (sieve/runtime/campaign_model.h) from a few hundred labelled posts: logistic
// regressions by full-batch gradient descent with momentum, deterministic, in a few seconds on one core.
//   score: a regression on the posts' features alone, stacked with the base head: the weights of the base
//          logit and of the campaign's logit come from a regression on cross-fitted campaign logits (each
//          post scored by a model that never saw its group), so a campaign model that learned nothing
//          general gets a small weight and the base head keeps deciding;
//   gate:  the labelled posts, either class, against a sample of the base model's training posts.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "sieve/runtime/campaign_model.h"

namespace sieve::adapt {

// Posts as the campaign model reads them, in flat arrays: post i owns ids[offsets[i], offsets[i + 1]).
struct CampaignPosts {
  std::vector<std::uint32_t> ids;
  std::vector<std::size_t> offsets{0};
  std::vector<std::uint32_t> subword_counts, bigram_counts;
  std::vector<float> dense;            // size() × dense_width
  std::vector<float> base_logits;      // the base head's network logit of each post
  std::vector<std::int8_t> labels;     // 0 or 1 (labelled posts; background posts are all "not the campaign")
  std::vector<std::uint64_t> groups;   // the account or document of each post (cross-fitting keeps it whole)
  std::vector<std::uint32_t> sources;  // background posts: each one's source, as an index (may be empty)
  std::size_t dense_width = 0;

  std::size_t size() const { return subword_counts.size(); }
  infer::CampaignPost post(std::size_t i) const;
  void add(const std::uint32_t* post_ids, std::size_t count, std::uint32_t subwords, std::uint32_t bigrams,
           const float* post_dense, float base_logit, std::int8_t label, std::uint64_t group = 0);
};

struct CampaignTrainingSettings {
  double l2 = 1e-4;                // penalty on every weight, per post
  std::size_t iterations = 1000;   // full-batch gradient steps of each part
  double learning_rate = 2.0;      // the largest step; smaller when the inputs' norms require it
  double momentum = 0.9;           // Nesterov
  double dense_factor = 0.1;       // standardised dense values are scaled by this: a few dozen of them should
                                   // not outweigh the three feature blocks (each of norm 1)
  double background_weight = 0.5;  // share of the score part's loss on the background posts
  std::size_t folds = 5;  // of the groups, for the cross-fitted campaign logits the stacking learns from
  void validate() const;  // throws Error(kConfig)
};

// The gate as learned, before it is opened: its logit on the labelled posts and on the background posts.
struct GateFit {
  std::vector<float> labelled_logits, background_logits;
};

struct TrainedCampaign {
  infer::CampaignModel model;  // its gate as learned (see with_gate_opened)
  GateFit gate;
};

// The campaign model of `labelled` (both classes present), its gate against `background` (may be empty:
// then the gate lets the campaign decide every post). Throws Error(kInvalidInput) when a class is missing.
TrainedCampaign train_campaign(infer::CampaignInfo info, const CampaignPosts& labelled,
                               const CampaignPosts& background, std::size_t table_size,
                               const CampaignTrainingSettings& settings = {});

// The model with its gate rescaled: fully open from the labelled posts' `quantile` of the gate logit up,
// closed (the base head alone) at the background's median and below. A smaller quantile opens the
// gate to more posts of the campaign's kind. Nothing when that quantile is not above the background's
// (the gate cannot open there without opening for others); without background, the gate is always open.
std::optional<infer::CampaignModel> with_gate_opened(const TrainedCampaign& trained, double quantile);

// The model with a gate that is open (the campaign decides) or closed (the base head decides) for every post.
infer::CampaignModel with_fixed_gate(const infer::CampaignModel& model, bool open);

}  // namespace sieve::adapt
