// The sieve front end: parses the command line and runs one command. All work is in the libraries.

#include <iostream>
#include <string>
#include <vector>

#include "command.h"
#include "sieve/core/error.h"

namespace {

// Bad input, a missing file or a wrong option is the user's to fix (exit 2); anything else is ours (1).
int exit_code_for(sieve::ErrorKind kind) {
  switch (kind) {
    case sieve::ErrorKind::kInvalidInput:
    case sieve::ErrorKind::kIo:
    case sieve::ErrorKind::kFormat:
    case sieve::ErrorKind::kConfig:
      return 2;
  }
  return 1;
}

// The command-line words a group of subcommands did not know, for the message: CLI11 says only that a
// subcommand is required when the word typed is none of them.
std::string unknown_command_message(const CLI::App& app) {
  const CLI::App* deepest = &app;
  while (!deepest->get_subcommands().empty()) deepest = deepest->get_subcommands().front();  // those parsed
  const auto all = deepest->get_subcommands([](const CLI::App*) { return true; });
  const std::vector<std::string> left = deepest->remaining();
  if (left.empty() || all.empty()) return "";
  std::string known;
  for (const CLI::App* sub : all) known += (known.empty() ? "" : ", ") + sub->get_name();
  const std::string group = deepest == &app ? "sieve" : "sieve " + deepest->get_name();
  return "'" + left.front() + "' is not a command of " + group + "; the commands are " + known;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sieve: train, evaluate and serve multilingual classifiers of coordinated posts", "sieve"};
  app.require_subcommand(1);
  std::vector<sieve::cli::Command> commands;
  for (auto* add :
       {&sieve::cli::add_normalize_command, &sieve::cli::add_tokenizer_commands,
        &sieve::cli::add_data_commands, &sieve::cli::add_train_command, &sieve::cli::add_score_command,
        &sieve::cli::add_serve_command, &sieve::cli::add_eval_command, &sieve::cli::add_cluster_command,
        &sieve::cli::add_accounts_command, &sieve::cli::add_model_commands, &sieve::cli::add_fluency_commands,
        &sieve::cli::add_adapt_command, &sieve::cli::add_embed_command, &sieve::cli::add_drift_command}) {
    for (auto& command : add(app)) commands.push_back(std::move(command));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::string unknown = unknown_command_message(app);
    std::cerr << "sieve: " << (unknown.empty() ? e.what() : unknown)
              << "\n(run with --help for the options)\n";
    return 2;
  }
  try {
    for (const auto& command : commands) {
      if (command.app->parsed()) return command.run();
    }
  } catch (const sieve::Error& e) {
    std::cerr << "sieve: " << e.what() << "\n";
    return exit_code_for(e.kind());
  } catch (const std::exception& e) {
    std::cerr << "sieve: internal error: " << e.what() << "\n";
    return 1;
  }
  std::cerr << app.help();
  return 2;
}
