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

class OutOfDomain {
 public:
  // From the file's "ood" metadata and "ood.rarity" tensor of table_size values; nullopt when the model
  // has none. Throws Error(kFormat, file.path(), ...) when they are malformed.
  static std::optional<OutOfDomain> read(const ModelFile& file, std::uint32_t table_size);
  float post_rarity(const std::uint32_t* ids, std::size_t count) const;
  // Share of the training posts of lang (all posts' when lang has no quantiles) less rare than rarity,
  // interpolated between quantile points: in [0, 1].
  double ood(float rarity, std::string_view lang) const;
  // Above it a post is unfamiliar: rarer than all but a hundredth of the training posts, say. Every post
  // is still decided (docs/selective-prediction.md: abstaining on such posts did not lower the error);
  // `sieve drift` counts the share of them.
  double limit() const { return limit_; }
  // Posts with fewer subword pieces than this say too little for "ood" to mean much.
  std::uint32_t min_subwords() const { return min_subwords_; }
  std::uint64_t posts() const { return posts_; }
  // The languages with quantile points of their own (the others read the overall points), sorted.
  std::vector<std::string> languages() const;

 private:
  const float* rarity_ = nullptr;  // in place in the mapped file
  std::vector<float> overall_;
  std::map<std::string, std::vector<float>, std::less<>> languages_;
  std::uint64_t posts_ = 0;
  double limit_ = 1;
  std::uint32_t min_subwords_ = 0;
};

}  // namespace sieve::infer
