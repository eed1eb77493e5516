#pragma once
// The files `sieve accounts` writes: one row per account (JSON lines or CSV), the coordination graph
// (edge list CSV or GraphML) and its connected components (JSON lines), row by row: a row is flushed
// when the sink's buffer is full, so the output never sits whole in memory.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "file_io.h"
#include "sieve/analysis/account_table.h"
#include "sieve/datasets/coordination.h"

namespace sieve::cli {

// Everything the writers read; built by the command.
struct AccountReport {
  const analysis::AccountTable& table;
  const datasets::CoordinationResult& coordination;
  const std::vector<std::uint32_t>& component;                    // per account
  const std::vector<double>& score;                               // per account: account_coordinated_score
  const std::vector<std::vector<std::uint32_t>>& evidence_posts;  // per account: up to 3 post numbers
  const std::unordered_map<std::uint32_t, analysis::PostText>& texts;  // of evidence and representative posts
  const std::vector<std::uint32_t>& representative;                    // per cluster: a post number, or max
};

// The 3 accounts an account is linked to by the heaviest edges (templates, then linked posts).
std::vector<std::vector<std::pair<std::uint32_t, const datasets::CoordinationEdge*>>> top_neighbours(
    std::size_t accounts, const std::vector<datasets::CoordinationEdge>& edges);

void write_accounts_jsonl(const AccountReport& report, OutputSink& sink);
void write_accounts_csv(const AccountReport& report, OutputSink& sink);
void write_edges_csv(const AccountReport& report, OutputSink& sink);
void write_graphml(const AccountReport& report, OutputSink& sink);
// Components of two accounts or more, largest first.
void write_components(const AccountReport& report, OutputSink& sink);

}  // namespace sieve::cli
