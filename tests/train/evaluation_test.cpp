#include "sieve/train/evaluation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace sieve::train {
namespace {

// Four records, two languages; head "a" binary, head "b" three classes (scores are "predicted right").
ScoredSet sample() {
  ScoredSet set;
  set.heads = 2;
  set.scores = {0.9f, 1, 0.2f, 0, 0.8f, 1, 0.4f, 1};
  set.labels = {1, 2, 0, 1, 1, -1, 0, 0};
  set.langs = {0, 0, 1, 1};
  set.sources = {0, 0, 0, 0};
  set.lang_names = {"en", "fr"};
  set.source_names = {"x"};
  return set;
}

datasets::LabelSchema schema() { return {{{"a", {}}, {"b", {"p", "q", "r"}}}}; }

TEST(Evaluation, MeasuresEveryHeadOverallAndPerLanguage) {
  const Evaluation e = evaluate(sample(), schema());
  const SliceMetrics& all = e.slices[0];
  EXPECT_EQ(all.head, "a");
  EXPECT_EQ(all.slice, "all");
  EXPECT_EQ(all.labelled, 4u);
  EXPECT_EQ(all.positives, 2u);
  EXPECT_DOUBLE_EQ(all.roc_auc, 1.0);
  EXPECT_DOUBLE_EQ(all.threshold, 0.8f);  // a score, stored as float
  EXPECT_DOUBLE_EQ(e.mean_pr_auc, 1.0);
  EXPECT_EQ(e.slices[1].slice, "lang:en");
  EXPECT_EQ(e.slices[1].labelled, 2u);
  EXPECT_DOUBLE_EQ(e.slices[1].roc_auc, 1.0);
  // Head b: three labelled records, two predicted right.
  const auto b = std::find_if(e.slices.begin(), e.slices.end(),
                              [](const auto& m) { return m.head == "b" && m.slice == "all"; });
  ASSERT_NE(b, e.slices.end());
  EXPECT_EQ(b->labelled, 3u);
  EXPECT_DOUBLE_EQ(b->accuracy, 2.0 / 3);
  ASSERT_EQ(e.thresholds.size(), 2u);
  EXPECT_DOUBLE_EQ(e.thresholds[0], 0.8f);
  EXPECT_EQ(e.thresholds[1], 0.0);
  EXPECT_NE(e.to_json().find(R"("head":"a","slice":"all","labelled":4)"), std::string::npos);
}

}  // namespace
}  // namespace sieve::train
