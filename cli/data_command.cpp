// sieve data ...: the commands between a user's raw files and the trainer.

#include "command.h"

namespace sieve::cli {

std::vector<Command> add_data_commands(CLI::App& app) {
  CLI::App* data = app.add_subcommand("data", "Simulate, inspect, deduplicate, split and prepare datasets");
  data->require_subcommand(1);
  std::vector<Command> commands;
  for (auto* add : {&add_simulate_command, &add_dedupe_commands, &add_prepare_commands}) {
    for (auto& command : add(*data)) commands.push_back(std::move(command));
  }
  return commands;
}

}  // namespace sieve::cli
