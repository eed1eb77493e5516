#pragma once
// How the front end is put together: each command group registers its subcommands and returns what runs
// them; main() only parses and dispatches.

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace sieve::cli {

struct Command {
  CLI::App* app;             // the subcommand, to ask whether it was chosen
  std::function<int()> run;  // returns the exit code; throws sieve::Error on bad input
};

std::vector<Command> add_normalize_command(CLI::App& app);
std::vector<Command> add_tokenizer_commands(CLI::App& app);
std::vector<Command> add_data_commands(CLI::App& app);
std::vector<Command> add_train_command(CLI::App& app);
std::vector<Command> add_score_command(CLI::App& app);
std::vector<Command> add_serve_command(CLI::App& app);
std::vector<Command> add_eval_command(CLI::App& app);
std::vector<Command> add_cluster_command(CLI::App& app);
std::vector<Command> add_accounts_command(CLI::App& app);
std::vector<Command> add_model_commands(CLI::App& app);    // quantize, calibrate
std::vector<Command> add_fluency_commands(CLI::App& app);  // fluency train
std::vector<Command> add_adapt_command(CLI::App& app);     // adapt, adapt --suggest
std::vector<Command> add_embed_command(CLI::App& app);     // embed train
std::vector<Command> add_drift_command(CLI::App& app);     // drift

// The subcommands of `sieve data`, one file each.
std::vector<Command> add_simulate_command(CLI::App& data);  // simulate
std::vector<Command> add_dedupe_commands(CLI::App& data);   // dedupe, split
std::vector<Command> add_prepare_commands(CLI::App& data);  // prepare, stats

}  // namespace sieve::cli
