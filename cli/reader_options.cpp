#include "reader_options.h"

#include <iostream>

#include "sieve/core/error.h"

namespace sieve::cli {

void add_reader_options(CLI::App& command, ReaderOptions& options) {
  command.add_option("-c,--config", options.config.path, "run TOML file: its [data] table and [[heads]]");
  command.add_option("--set", options.config.overrides, "override a config key, e.g. data.text=tweet_text");
  command.add_option("--preset", options.preset, "column mapping preset: twitter-io");
  command.add_option("--format", options.format, "input format: auto (by file name), jsonl, csv or tsv");
  command.add_option("--on-error", options.on_error, "bad rows: skip (report and go on) or fail (stop)")
      ->check(CLI::IsMember({"skip", "fail"}));
}

datasets::ReaderConfig resolve(const ReaderOptions& options) {
  RunConfigSource source = options.config;
  // Command-line switches win over the file: they become overrides applied last.
  if (!options.preset.empty())
    source.overrides.insert(source.overrides.begin(), "data.preset=" + options.preset);
  if (!options.format.empty()) source.overrides.push_back("data.format=" + options.format);
  if (!options.on_error.empty()) source.overrides.push_back("data.on_error=" + options.on_error);
  return load_reader_config(source);
}

int finish_rows(const datasets::ReadStats& stats) {
  if (stats.rejected == 0) return 0;
  std::cerr << "sieve: " << stats.rejected << " of " << stats.rows << " rows rejected\n";
  return 2;
}

}  // namespace sieve::cli
