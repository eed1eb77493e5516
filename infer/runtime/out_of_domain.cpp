#include "sieve/runtime/out_of_domain.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>

#include "sieve/core/error.h"
#include "sieve/core/row_mean.h"

namespace sieve::infer {
namespace {

// Ascending quantile points from JSON; Error(kFormat) names the key.
std::vector<float> read_points(simdjson::dom::element value, const std::string& path,
                               const std::string& key) {
  simdjson::dom::array array;
  if (value.get_array().get(array)) throw Error(ErrorKind::kFormat, path, "ood." + key + ": not an array");
  std::vector<float> points;
  for (simdjson::dom::element e : array) {
    double x = 0;
    if (e.get_double().get(x) || !std::isfinite(x)) {
      throw Error(ErrorKind::kFormat, path, "ood." + key + ": not a list of finite numbers");
    }
    points.push_back(static_cast<float>(x));
  }
  if (points.size() < 2 || !std::is_sorted(points.begin(), points.end())) {
    throw Error(ErrorKind::kFormat, path, "ood." + key + ": needs two or more ascending points");
  }
  return points;
}

}  // namespace

std::optional<OutOfDomain> OutOfDomain::read(const ModelFile& file, std::uint32_t table_size) {
  const auto it = file.metadata().find("ood");
  if (it == file.metadata().end()) return std::nullopt;
  const std::string& path = file.path();
  simdjson::dom::parser parser;
  simdjson::dom::object doc;
  if (parser.parse(it->second).get_object().get(doc)) {
    throw Error(ErrorKind::kFormat, path, "metadata 'ood' is not a JSON object");
  }
  OutOfDomain o;
  double limit = 0;
  std::uint64_t min_subwords = 0;
  simdjson::dom::element overall;
  simdjson::dom::object languages;
  if (doc["posts"].get_uint64().get(o.posts_) || doc["limit"].get_double().get(limit) ||
      doc["min_subwords"].get_uint64().get(min_subwords) || doc["overall"].get(overall) ||
      doc["languages"].get_object().get(languages)) {
    throw Error(ErrorKind::kFormat, path, "ood: needs posts, limit, min_subwords, overall and languages");
  }
  if (!(limit > 0 && limit <= 1)) throw Error(ErrorKind::kFormat, path, "ood.limit: not in (0, 1]");
  if (min_subwords > 1000) throw Error(ErrorKind::kFormat, path, "ood.min_subwords: over 1000");
  o.limit_ = limit;
  o.min_subwords_ = static_cast<std::uint32_t>(min_subwords);
  o.overall_ = read_points(overall, path, "overall");
  for (const auto field : languages) {
    const std::string lang(field.key);
    o.languages_[lang] = read_points(field.value, path, "languages." + lang);
  }
  o.rarity_ = file.f32("ood.rarity", {static_cast<std::int64_t>(table_size)});
  return o;
}

float OutOfDomain::post_rarity(const std::uint32_t* ids, std::size_t count) const {
  return mean_of_rows(rarity_, ids, count);
}

std::vector<std::string> OutOfDomain::languages() const {
  std::vector<std::string> names;
  for (const auto& [lang, points] : languages_) names.push_back(lang);
  return names;
}

double OutOfDomain::ood(float rarity, std::string_view lang) const {
  const auto it = languages_.find(lang);
  const std::vector<float>& points = it == languages_.end() ? overall_ : it->second;
  if (rarity <= points.front()) return 0;
  if (rarity >= points.back()) return 1;
  // points[k] is the k/(n-1) quantile: interpolate between the two points around rarity.
  const auto above = std::upper_bound(points.begin(), points.end(), rarity);
  const auto k = static_cast<std::size_t>(above - points.begin()) - 1;
  const double low = points[k], high = points[k + 1];
  const double within = high > low ? (rarity - low) / (high - low) : 0.5;
  return (static_cast<double>(k) + within) / static_cast<double>(points.size() - 1);
}

}  // namespace sieve::infer
