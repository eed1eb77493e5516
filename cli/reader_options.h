#pragma once
// The command-line switches that say how to read users' files, shared by every `sieve data` command.

#include <CLI/CLI.hpp>
#include <string>

#include "run_config.h"
#include "sieve/datasets/reader_config.h"

namespace sieve::cli {

struct ReaderOptions {
  RunConfigSource config;  // a run's TOML file and --set overrides: its [data] table and [[heads]]
  std::string preset;      // a named column mapping, e.g. "twitter-io"
  std::string format;      // jsonl, csv, tsv or auto (overrides the config)
  std::string on_error;    // skip or fail (overrides the config)
};

void add_reader_options(CLI::App& command, ReaderOptions& options);

// Throws Error(kIo/kFormat/kConfig) naming the file, key or option that is wrong.
datasets::ReaderConfig resolve(const ReaderOptions& options);

}  // namespace sieve::cli
