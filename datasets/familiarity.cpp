#include "sieve/datasets/familiarity.h"

#include <algorithm>
#include <cmath>

#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/core/row_mean.h"

namespace sieve::datasets {
namespace {

// Ascending quantile points of values (sorted in place): kRarityQuantiles + 1 of them.
std::vector<float> quantile_points(std::vector<float>& values) {
  std::sort(values.begin(), values.end());
  std::vector<float> points(kRarityQuantiles + 1);
  for (std::size_t q = 0; q <= kRarityQuantiles; ++q) {
    points[q] = values[q * (values.size() - 1) / kRarityQuantiles];
  }
  return points;
}

void write_points(JsonWriter& w, const std::vector<float>& points) {
  w.begin_array();
  for (const float p : points) w.value(static_cast<double>(p));
  w.end_array();
}

}  // namespace

FeatureFamiliarity fit_familiarity(std::uint32_t table_size, const TrainingPostWalk& walk) {
  std::vector<std::uint64_t> occurrences(table_size, 0);
  std::uint64_t total = 0;
  FeatureFamiliarity f;
  walk([&](const std::uint32_t* ids, std::size_t count, const std::string&) {
    for (std::size_t k = 0; k < count; ++k) ++occurrences[ids[k]];
    total += count;
    ++f.posts;
  });
  if (f.posts == 0) throw Error(ErrorKind::kInvalidInput, "training posts", "none to count features of");
  f.rarity.resize(table_size);
  const double denominator = static_cast<double>(total + table_size);
  for (std::size_t r = 0; r < table_size; ++r) {
    f.rarity[r] = static_cast<float>(-std::log(static_cast<double>(occurrences[r] + 1) / denominator));
  }
  std::map<std::string, std::vector<float>> by_language;
  std::vector<float>& all = by_language[""];
  walk([&](const std::uint32_t* ids, std::size_t count, const std::string& lang) {
    const float post = mean_of_rows(f.rarity.data(), ids, count);
    if (!lang.empty()) by_language[lang].push_back(post);
    all.push_back(post);
  });
  for (auto& [lang, values] : by_language) {
    if (lang.empty() || values.size() >= kMinLanguagePosts) f.quantiles[lang] = quantile_points(values);
  }
  return f;
}

std::string FeatureFamiliarity::to_json() const {
  JsonWriter w;
  w.begin_object().key("posts").value(posts).key("limit").value(limit);
  w.key("min_subwords").value(static_cast<std::uint64_t>(min_subwords));
  w.key("overall");
  write_points(w, quantiles.at(""));
  w.key("languages").begin_object();
  for (const auto& [lang, points] : quantiles) {
    if (lang.empty()) continue;
    w.key(lang);
    write_points(w, points);
  }
  w.end_object().end_object();
  return w.take();
}

}  // namespace sieve::datasets
