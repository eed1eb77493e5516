// AccountEvaluation: posts gathered into accounts, probabilities averaged, labels by majority.

#include "sieve/report/account_evaluation.h"

#include <gtest/gtest.h>

namespace sieve::infer {
namespace {

std::vector<ReportHead> heads() { return {{"coordinated", true, {"0", "1"}, 0.5, {}}}; }

TEST(AccountEvaluation, AnAccountIsTheMeanOfItsPostsAndTheMajorityOfItsLabels) {
  AccountEvaluation accounts(heads());
  const auto add = [&](const char* account, float p, std::int8_t label) {
    accounts.add(account, "en", "x", &p, &label);
  };
  // Campaign accounts: posts scored 0.9, 0.5 (mean 0.7) and 0.8, 0.6, 0.7 (0.7, two of three labelled 1);
  // organic ones 0.2, 0.4 (0.3) and 0.1, 0.3, 0.3 (0.23). "lone" has one labelled post: no account label.
  add("c1", 0.9f, 1), add("c1", 0.5f, 1), add("c2", 0.8f, 1), add("c2", 0.6f, 0), add("c2", 0.7f, 1);
  add("o1", 0.2f, 0), add("o1", 0.4f, 0), add("o2", 0.1f, 0), add("o2", 0.3f, -1), add("o2", 0.3f, 0);
  add("lone", 0.99f, 0), add("lone", 0.99f, -1);
  EXPECT_EQ(accounts.accounts(), 5u);
  const std::vector<HeadReport> report = accounts.report().compute(ReportOptions());
  const SliceReport& all = report.front().slices.front();
  EXPECT_EQ(all.n, 4u);                          // "lone" is left out
  EXPECT_DOUBLE_EQ(all.binary.roc_auc, 1.0);     // 0.7, 0.7 above 0.3, 0.23
  EXPECT_DOUBLE_EQ(all.binary.prevalence, 0.5);  // c1 and c2
}

TEST(AccountEvaluation, ATieOfLabelsCountsAsPositive) {
  AccountEvaluation accounts(heads());
  float p = 0.4f;
  std::int8_t yes = 1, no = 0;
  accounts.add("a", "en", "x", &p, &yes);
  accounts.add("a", "en", "x", &p, &no);
  accounts.add("b", "en", "x", &p, &no);
  accounts.add("b", "en", "x", &p, &no);
  const auto report = accounts.report().compute(ReportOptions());  // the slices live in it
  const SliceReport& all = report.front().slices.front();
  EXPECT_EQ(all.n, 2u);
  EXPECT_DOUBLE_EQ(all.binary.prevalence, 0.5);
}

}  // namespace
}  // namespace sieve::infer
