#include "sieve/serve/drift_metrics.h"

#include <algorithm>
#include <set>

namespace sieve::infer {
namespace {

constexpr std::string_view kOther = "other";
// What tokenizer::guess_language() answers besides "" (a post without letters, or mostly of other scripts).
constexpr std::string_view kGuessedLanguages[] = {"en", "fr", "zh"};

// What the counting needs of one post, worked out before the lock is taken.
struct CountedPost {
  std::size_t label = 0;  // index of its language label
  double ood = 0;         // when the model has out-of-domain statistics
};

std::vector<CountedPost> counted_posts(const ScoredBatch& batch) {
  const OutOfDomain* ood = batch.familiarity ? batch.model.out_of_domain() : nullptr;
  std::vector<CountedPost> posts(batch.langs.size());
  for (std::size_t i = 0; i < posts.size(); ++i) {
    posts[i].label = metric_language(batch.languages, batch.langs[i]);
    // As write_scores() computes it, so the metrics count what the answers say.
    if (ood) posts[i].ood = ood->ood(batch.familiarity[i].rarity, batch.langs[i]);
  }
  return posts;
}

// Per post and head (post-major), 1 when a binary head's decision on the post is true.
std::vector<std::uint8_t> flags(const ScoredBatch& batch, const std::vector<CountedPost>& posts) {
  const Model& model = batch.model;
  const std::size_t heads = model.heads().size();
  std::vector<std::uint8_t> flagged(posts.size() * heads, 0);
  for (std::size_t h = 0; h < heads; ++h) {
    const HeadInfo& head = model.heads()[h];
    if (!head.binary) continue;
    const float* p = batch.probabilities + model.output_offset(h);
    for (std::size_t i = 0; i < posts.size(); ++i, p += model.output_count()) {
      flagged[i * heads + h] = *p >= head.threshold_for(batch.langs[i]);
    }
  }
  return flagged;
}

std::string head_labels(const std::pair<std::string, std::string>& key) {
  return "head=\"" + prometheus_label(key.first) + "\",lang=\"" + prometheus_label(key.second) + "\"";
}

}  // namespace

std::vector<std::string> metric_languages(const Model& model) {
  std::set<std::string> known(std::begin(kGuessedLanguages), std::end(kGuessedLanguages));
  for (const HeadInfo& head : model.heads()) {
    for (const auto& [lang, rate] : head.language_thresholds) known.insert(lang);
  }
  if (const OutOfDomain* ood = model.out_of_domain()) {
    for (std::string& lang : ood->languages()) known.insert(std::move(lang));
  }
  known.erase("");
  known.erase(std::string(kOther));
  std::vector<std::string> names(known.begin(), known.end());
  names.emplace_back(kOther);
  return names;
}

std::size_t metric_language(const std::vector<std::string>& languages, std::string_view lang) {
  const auto end = languages.end() - 1;  // "other"
  const auto it = std::lower_bound(languages.begin(), end, lang);
  return static_cast<std::size_t>((it != end && *it == lang ? it : end) - languages.begin());
}

void DriftMetrics::observe(const ScoredBatch& batch) {
  const std::vector<CountedPost> posts = counted_posts(batch);
  const std::vector<std::uint8_t> flagged = flags(batch, posts);
  const Model& model = batch.model;
  const std::size_t heads = model.heads().size();
  const std::size_t width = model.output_count();
  // Series found once per batch and language, not once per post.
  std::vector<Histogram*> ood_series(batch.languages.size(), nullptr);
  std::vector<HeadSeries*> head_series(batch.languages.size() * heads, nullptr);
  std::lock_guard<std::mutex> lock(mutex_);
  if (batch.familiarity && model.out_of_domain()) {
    for (const CountedPost& post : posts) {
      Histogram*& series = ood_series[post.label];
      if (!series) series = &ood_.try_emplace(batch.languages[post.label], kOodBuckets).first->second;
      series->observe(post.ood);
    }
  }
  for (std::size_t h = 0; h < heads; ++h) {
    const HeadInfo& head = model.heads()[h];
    if (!head.binary) continue;
    const float* p = batch.probabilities + model.output_offset(h);
    for (std::size_t i = 0; i < posts.size(); ++i, p += width) {
      HeadSeries*& series = head_series[posts[i].label * heads + h];
      if (!series) series = &heads_[{head.name, batch.languages[posts[i].label]}];
      series->score.observe(static_cast<double>(*p));
      series->flagged += flagged[i * heads + h];
    }
  }
}

void DriftMetrics::render(std::string& out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  prometheus_header(out, "sieve_post_ood", "histogram",
                    "The ood value of scored posts, by language (models with out-of-domain statistics).");
  for (const auto& [lang, histogram] : ood_)
    histogram.render(out, "sieve_post_ood", "lang=\"" + prometheus_label(lang) + "\"");
  prometheus_header(out, "sieve_post_score", "histogram",
                    "Each binary head's probability of its label for scored posts, by head and language.");
  for (const auto& [key, series] : heads_) series.score.render(out, "sieve_post_score", head_labels(key));
  prometheus_header(out, "sieve_posts_flagged_total", "counter",
                    "Scored posts whose decision is true, by binary head and language.");
  for (const auto& [key, series] : heads_)
    prometheus_sample(out, "sieve_posts_flagged_total", head_labels(key), std::to_string(series.flagged));
}

}  // namespace sieve::infer
