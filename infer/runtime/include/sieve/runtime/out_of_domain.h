#pragma once
// The out-of-domain signal of a model ("ood" in score output, docs/decisions.md): how rare a post's
// features were in the model's training posts, as the share of training posts of its language that were
// less rare. 0.5 is a typical training post; 0.999 is rarer than all but one in a thousand. Stored in the
// model file as the metadata document "ood" and the tensor "ood.rarity" (one value per feature row), which
// the trainer fits (datasets::FeatureFamiliarity).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/format/model_file.h"

namespace sieve::infer {

// What score_batch saw of one post's features, for its ood value.
struct PostFamiliarity {
  float rarity = 0;            // mean rarity of its feature rows (nats)
  std::uint32_t subwords = 0;  // subword pieces
};

// How a caller decides about posts the model does not know: abstaining gives `null` decisions.
struct AbstainPolicy {
  bool abstain = true;
  std::optional<double> ood_limit;  // unset: the model's stored limit
};

class OutOfDomain {
 public:
  // From the file's "ood" metadata and "ood.rarity" tensor of table_size values; nullopt when the model
  // has none. Throws Error(kFormat, file.path(), ...) when they are malformed.
  static std::optional<OutOfDomain> read(const ModelFile& file, std::uint32_t table_size);
  float post_rarity(const std::uint32_t* ids, std::size_t count) const;
  // Share of the training posts of lang (all posts' when lang has no quantiles) less rare than rarity,
  // interpolated between quantile points: in [0, 1].
  double ood(float rarity, std::string_view lang) const;
  bool abstains(double ood, std::uint32_t subwords, const AbstainPolicy& policy) const {
    return policy.abstain && (ood > limit(policy) || subwords < min_subwords_);
  }
  double limit() const { return limit_; }
  // The limit in force under policy: its own, else the stored one.
  double limit(const AbstainPolicy& policy) const { return policy.ood_limit.value_or(limit_); }
  std::uint32_t min_subwords() const { return min_subwords_; }
  std::uint64_t posts() const { return posts_; }

 private:
  const float* rarity_ = nullptr;  // in place in the mapped file
  std::vector<float> overall_;
  std::map<std::string, std::vector<float>, std::less<>> languages_;
  std::uint64_t posts_ = 0;
  double limit_ = 1;
  std::uint32_t min_subwords_ = 0;
};

}  // namespace sieve::infer
