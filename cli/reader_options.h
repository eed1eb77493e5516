#pragma once
// The command-line switches that say how to read users' files, shared by every `sieve data` command.

#include <CLI/CLI.hpp>
#include <string>

#include "run_config.h"
#include "sieve/datasets/reader_config.h"
#include "sieve/datasets/record_reader.h"

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

// A command's exit code after reading records: 0, or 2 with "sieve: N of M rows rejected" on standard
// error when rows were rejected (each was reported where it was read).
int finish_rows(const datasets::ReadStats& stats);

}  // namespace sieve::cli
