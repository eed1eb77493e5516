#pragma once
// The same posts scored by two models, a base and its adaptation: per binary head, over all posts and per
// language, the ROC-AUC and PR-AUC of each, so `sieve adapt` can say what the adaptation changed.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sieve/core/metrics.h"

namespace sieve::infer {

// One head on one slice ("all" or a language).
struct BeforeAfterRow {
  std::string head, slice;
  std::size_t n = 0, positives = 0;
  double roc_auc_before = 0, roc_auc_after = 0;  // NaN when a class is absent or the base lacks the head
  double pr_auc_before = 0, pr_auc_after = 0;
};

class BeforeAfterReport {
 public:
  explicit BeforeAfterReport(std::vector<std::string> heads);  // the binary heads compared, in order

  // One post: its language, its label per head (-1 when unknown), each head's probability under the base
  // (NaN for a head the base lacks) and under the adaptation.
  void add(const std::string& lang, const std::vector<std::int8_t>& labels, const std::vector<double>& before,
           const std::vector<double>& after);

  // Per head: the "all" row, then one per language holding labelled posts (alphabetical).
  std::vector<BeforeAfterRow> rows() const;
  // The mean over heads of the "all" ROC-AUC after adaptation, skipping undefined ones (NaN when none).
  double mean_roc_auc_after() const;
  std::string to_text() const;  // a table for the terminal
  std::string to_json() const;  // {"rows": [...]}, undefined values as null

 private:
  BeforeAfterRow row(std::size_t head, const std::string& slice) const;

  std::vector<std::string> heads_;
  struct Scores {
    std::vector<metrics::Scored> before, after;
  };
  std::vector<std::map<std::string, Scores>> scores_;  // per head: slice → scores
};

}  // namespace sieve::infer
