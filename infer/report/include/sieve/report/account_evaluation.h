#pragma once
// Account-level evaluation (`sieve eval --by account`): posts gathered by account (Record::group), an
// account's probabilities the mean of its posts', its label for a head the majority of its labelled posts
// when it has at least kMinLabelledPosts of them (ties count as positive). The result is an EvalReport
// whose "posts" are accounts, so every metric and output of a post report applies.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sieve/report/eval_report.h"

namespace sieve::infer {

inline constexpr std::size_t kMinLabelledPosts = 2;

class AccountEvaluation {
 public:
  explicit AccountEvaluation(std::vector<ReportHead> heads);

  // One post of account (the same arguments as EvalReport::add, the group naming the account).
  void add(std::string_view account, std::string_view lang, std::string_view source,
           const float* probabilities, const std::int8_t* labels);
  std::size_t accounts() const { return names_.size(); }

  // One entry per account: the language and source most of its posts have, its mean probabilities and its
  // labels (-1 for a head with fewer than kMinLabelledPosts labelled posts).
  EvalReport report() const;

 private:
  struct Account {
    std::vector<double> sums;                        // probabilities, summed over posts
    std::vector<std::vector<std::uint32_t>> labels;  // per head: posts per class
    std::unordered_map<std::string, std::uint32_t> langs, sources;
    std::uint32_t posts = 0;
  };
  std::vector<ReportHead> heads_;
  std::size_t stride_ = 0;
  std::unordered_map<std::string, std::uint32_t> index_;
  std::vector<std::string> names_;
  std::vector<Account> accounts_;
};

}  // namespace sieve::infer
