#include "sieve/report/before_after.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sieve::infer {
namespace {

TEST(BeforeAfterReport, ComparesTheTwoModelsPerHeadOverallAndPerLanguage) {
  BeforeAfterReport report({"coordinated", "campaign"});
  const double nan = std::nan("");
  // The base orders the English posts backwards and lacks "campaign"; the adaptation orders them all.
  report.add("en", {1, 1}, {0.2, nan}, {0.9, 0.8});
  report.add("en", {0, 0}, {0.7, nan}, {0.1, 0.3});
  report.add("fr", {1, -1}, {0.8, nan}, {0.7, 0.5});
  report.add("fr", {0, 0}, {0.1, nan}, {0.2, 0.4});
  const std::vector<BeforeAfterRow> rows = report.rows();
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].head + " " + rows[0].slice, "coordinated all");
  EXPECT_EQ(rows[0].n, 4u);
  EXPECT_EQ(rows[0].positives, 2u);
  EXPECT_DOUBLE_EQ(rows[0].roc_auc_before, 0.75);  // of 4 pairs, only (en 0.2, en 0.7) is wrong
  EXPECT_DOUBLE_EQ(rows[0].roc_auc_after, 1.0);
  EXPECT_EQ(rows[1].slice, "en");
  EXPECT_DOUBLE_EQ(rows[1].roc_auc_before, 0.0);
  EXPECT_EQ(rows[2].slice, "fr");
  EXPECT_DOUBLE_EQ(rows[2].roc_auc_before, 1.0);
  EXPECT_EQ(rows[3].head + " " + rows[3].slice, "campaign all");
  EXPECT_EQ(rows[3].n, 3u);  // one post has no campaign label
  EXPECT_TRUE(std::isnan(rows[3].roc_auc_before));
  EXPECT_DOUBLE_EQ(rows[3].roc_auc_after, 1.0);
  EXPECT_TRUE(std::isnan(rows[5].roc_auc_after)) << "fr holds no positive of campaign";
  EXPECT_DOUBLE_EQ(report.mean_roc_auc_after(), 1.0);
}

TEST(BeforeAfterReport, WritesUndefinedValuesAsNull) {
  BeforeAfterReport report({"campaign"});
  report.add("zh", {1}, {std::nan("")}, {0.6});
  report.add("zh", {0}, {std::nan("")}, {0.4});
  EXPECT_EQ(
      report.to_json(),
      R"({"rows":[{"head":"campaign","slice":"all","n":2,"positives":1,"roc_auc_before":null,)"
      R"("roc_auc_after":1,"pr_auc_before":null,"pr_auc_after":1},{"head":"campaign","slice":"zh","n":2,)"
      R"("positives":1,"roc_auc_before":null,"roc_auc_after":1,"pr_auc_before":null,"pr_auc_after":1}]})");
}

}  // namespace
}  // namespace sieve::infer
