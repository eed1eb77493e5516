#include "sieve/train/evaluation.h"

#include <cmath>
#include <cstdio>

#include "sieve/core/json_writer.h"
#include "sieve/core/metrics.h"

namespace sieve::train {
namespace {

SliceMetrics measure(const ScoredSet& set, const datasets::LabelHead& head, std::size_t h, std::string slice,
                     const std::vector<bool>& in_slice) {
  SliceMetrics m;
  m.head = head.name;
  m.slice = std::move(slice);
  std::vector<metrics::Scored> scored;
  double correct = 0;
  for (std::size_t r = 0; r < set.langs.size(); ++r) {
    const std::int8_t label = set.labels[r * set.heads + h];
    if (!in_slice[r] || label == datasets::kMissingLabel) continue;
    ++m.labelled;
    const float score = set.scores[r * set.heads + h];
    if (head.binary()) {
      scored.push_back({score, label == 1});
      m.positives += label == 1;
    } else {
      correct += score;
    }
  }
  if (!head.binary()) {
    m.accuracy = m.labelled ? correct / m.labelled : std::nan("");
    return m;
  }
  m.roc_auc = metrics::roc_auc(scored);
  m.pr_auc = metrics::pr_auc(scored);
  if (!scored.empty()) {
    const auto best = metrics::best_f1_threshold(scored);
    m.best_f1 = best.confusion.f1();
    m.threshold = best.threshold;
  }
  return m;
}

}  // namespace

Evaluation evaluate(const ScoredSet& set, const datasets::LabelSchema& schema) {
  Evaluation e;
  const std::size_t records = set.langs.size();
  double pr_sum = 0;
  int pr_heads = 0;
  for (std::size_t h = 0; h < schema.heads.size(); ++h) {
    const datasets::LabelHead& head = schema.heads[h];
    const SliceMetrics all = measure(set, head, h, "all", std::vector<bool>(records, true));
    e.slices.push_back(all);
    e.thresholds.push_back(head.binary() ? all.threshold : 0.0);
    if (head.binary() && !std::isnan(all.roc_auc)) {
      pr_sum += all.pr_auc;
      ++pr_heads;
    }
    for (std::size_t l = 0; l < set.lang_names.size(); ++l) {
      std::vector<bool> in(records);
      for (std::size_t r = 0; r < records; ++r) in[r] = set.langs[r] == l;
      SliceMetrics m = measure(set, head, h, "lang:" + set.lang_names[l], in);
      if (m.labelled) e.slices.push_back(std::move(m));
    }
    for (std::size_t s = 0; s < set.source_names.size(); ++s) {
      std::vector<bool> in(records);
      for (std::size_t r = 0; r < records; ++r) in[r] = set.sources[r] == s;
      SliceMetrics m = measure(set, head, h, "source:" + set.source_names[s], in);
      if (m.labelled) e.slices.push_back(std::move(m));
    }
  }
  e.mean_pr_auc = pr_heads ? pr_sum / pr_heads : 0.0;
  return e;
}

std::string Evaluation::to_json() const {
  JsonWriter w;
  w.begin_object().key("mean_pr_auc").value(mean_pr_auc).key("slices").begin_array();
  for (const SliceMetrics& m : slices) {
    w.begin_object().key("head").value(m.head).key("slice").value(m.slice).key("labelled").value(m.labelled);
    w.key("positives").value(m.positives).key("roc_auc").value(m.roc_auc).key("pr_auc").value(m.pr_auc);
    w.key("best_f1").value(m.best_f1).key("threshold").value(m.threshold).key("accuracy").value(m.accuracy);
    w.end_object();
  }
  w.end_array().end_object();
  return w.take();
}

std::string Evaluation::to_text() const {
  std::string out;
  char line[200];
  std::snprintf(line, sizeof line, "%-14s %-20s %9s %9s %8s %8s %8s\n", "head", "slice", "labelled",
                "positive", "ROC-AUC", "PR-AUC", "best F1");
  out += line;
  for (const SliceMetrics& m : slices) {
    if (m.slice.rfind("source:", 0) == 0) continue;
    std::snprintf(line, sizeof line, "%-14s %-20s %9zu %9zu %8.4f %8.4f %8.4f\n", m.head.c_str(),
                  m.slice.c_str(), m.labelled, m.positives, m.roc_auc, m.pr_auc, m.best_f1);
    out += line;
  }
  return out;
}

}  // namespace sieve::train
