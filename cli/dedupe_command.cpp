// sieve data dedupe / sieve data split: find templated near-duplicates, and split records so that no
// group and no near-duplicate cluster crosses train, dev and test.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "command.h"
#include "file_io.h"
#include "flag_names.h"
#include "reader_options.h"
#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/datasets/near_duplicates.h"
#include "sieve/datasets/record_reader.h"
#include "sieve/datasets/splitter.h"
#include "text_display.h"
#include "validators.h"

namespace sieve::cli {
namespace {

constexpr std::size_t kRepresentativeChars = 100;

struct DedupeOptions {
  std::vector<std::string> inputs;
  ReaderOptions reader;
  double threshold = datasets::NearDuplicateOptions().threshold;
  std::size_t top = 20;
  std::size_t min_size = 2;
  std::string out;  // clusters as JSON lines; "" for none
};

struct SplitCommandOptions {
  std::vector<std::string> inputs;
  ReaderOptions reader;
  std::string out_dir;
  double threshold = datasets::NearDuplicateOptions().threshold;
  bool ignore_near_duplicates = false;
  datasets::SplitOptions split;
};

// ---- dedupe --------------------------------------------------------------------------------------------

void write_clusters(OutputSink& out, const std::vector<datasets::Record>& records,
                    const std::vector<datasets::ClusterSummary>& clusters) {
  for (const auto& c : clusters) {
    JsonWriter w;
    w.begin_object();
    w.key("cluster").value(static_cast<std::uint64_t>(c.cluster));
    w.key("size").value(static_cast<std::uint64_t>(c.members.size()));
    w.key("exact_duplicates").value(static_cast<std::uint64_t>(c.exact_duplicates));
    w.key("groups").value(static_cast<std::uint64_t>(c.groups));
    w.key("langs").begin_array();
    for (const auto& lang : c.langs) w.value(lang);
    w.end_array().key("sources").begin_array();
    for (const auto& source : c.sources) w.value(source);
    w.end_array();
    w.key("representative").value(records[c.representative].text);
    w.key("members").begin_array();
    for (const std::uint32_t i : c.members) w.value(records[i].id);
    w.end_array().end_object();
    out.text() += w.str();
    out.text() += '\n';
    out.maybe_flush();
  }
  out.close();
}

void print_top_clusters(const std::vector<datasets::Record>& records,
                        const std::vector<datasets::ClusterSummary>& clusters, std::size_t top) {
  if (top == 0 || clusters.empty()) return;
  std::printf("\ntop %zu clusters by size:\n", std::min(top, clusters.size()));
  std::printf("%6s %6s %6s  %-8s %-14s %s\n", "size", "exact", "groups", "langs", "sources",
              "representative");
  for (std::size_t i = 0; i < clusters.size() && i < top; ++i) {
    const auto& c = clusters[i];
    std::printf("%6zu %6zu %6zu  %-8s %-14s %s\n", c.members.size(), c.exact_duplicates, c.groups,
                join(c.langs).c_str(), join(c.sources).c_str(),
                shorten(records[c.representative].text, kRepresentativeChars).c_str());
  }
}

int run_dedupe(const DedupeOptions& options) {
  datasets::NearDuplicateOptions near;
  near.threshold = options.threshold;
  validate_as_flags(near, {{"near_duplicates.threshold", "--threshold"}});
  const datasets::MinHasher hasher(near);  // options, config and output are checked before the input is read
  const auto config = resolve(options.reader);
  std::unique_ptr<OutputSink> out = options.out.empty() ? nullptr : std::make_unique<OutputSink>(options.out);
  datasets::ReadStats stats;
  const auto records = datasets::read_records(options.inputs, config, &stats);  // reports bad rows
  const auto signatures = hasher.sign_all(records);
  const auto clusters = datasets::cluster_near_duplicates(signatures, near);
  const auto summaries = datasets::summarize_clusters(records, signatures, clusters, options.min_size);
  std::printf("rows                        %zu\n", records.size());
  std::printf("exact-duplicate rows        %zu  (normalized text seen in an earlier row)\n",
              clusters.exact_duplicates);
  std::printf("duplicate clusters          %zu  (of %zu rows or more, exact or Jaccard >= %.2f)\n",
              summaries.size(), std::max<std::size_t>(options.min_size, 1), options.threshold);
  std::printf("rows in them                %zu\n", clusters.posts_in_clusters_of_at_least(options.min_size));
  print_top_clusters(records, summaries, options.top);
  std::fflush(stdout);
  if (out) write_clusters(*out, records, summaries);
  return finish_rows(stats);
}

// ---- split ---------------------------------------------------------------------------------------------

// train.jsonl, dev.jsonl, test.jsonl and split_report.json in dir, created before the input is read so that
// an unwritable folder fails at once.
std::vector<std::unique_ptr<OutputSink>> open_split_files(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw Error(ErrorKind::kIo, dir, "cannot create the output folder: " + error.message());
  std::vector<std::unique_ptr<OutputSink>> files;
  for (std::size_t s = 0; s <= datasets::kSplitCount; ++s) {
    const std::string name =
        s == datasets::kSplitCount
            ? "split_report.json"
            : std::string(datasets::split_name(static_cast<datasets::Split>(s))) + ".jsonl";
    files.push_back(std::make_unique<OutputSink>((std::filesystem::path(dir) / name).string()));
  }
  return files;
}

void write_splits(std::vector<std::unique_ptr<OutputSink>>& files,
                  const std::vector<datasets::Record>& records, const std::vector<datasets::Split>& split_of,
                  const datasets::LabelSchema& schema) {
  for (std::size_t i = 0; i < records.size(); ++i) {
    OutputSink& out = *files[static_cast<std::size_t>(split_of[i])];
    datasets::append_jsonl(records[i], schema, out.text());
    out.text() += '\n';
    out.maybe_flush();
  }
  for (std::size_t s = 0; s < datasets::kSplitCount; ++s) files[s]->close();
}

void print_split_summary(const datasets::SplitReport& report) {
  std::printf("%-6s %9s %9s %9s\n", "split", "records", "groups", "clusters");
  for (std::size_t s = 0; s < datasets::kSplitCount; ++s) {
    const auto& c = report.splits[s];
    std::printf("%-6s %9zu %9zu %9zu\n", datasets::split_name(static_cast<datasets::Split>(s)), c.records,
                c.groups, c.clusters);
  }
  std::printf("components                  %zu  (records tied by group or near-duplicate cluster)\n",
              report.components);
  if (report.oversized_components > 0) {
    std::printf(
        "  over the size limit        %zu, %zu records: placed by group, %zu records moved to their "
        "cluster\n",
        report.oversized_components, report.records_in_oversized, report.records_moved_to_cluster);
  }
  for (const auto& h : report.held_out) {
    std::printf("held out for test           source %s: %zu records, %zu groups\n", h.source.c_str(),
                h.records, h.groups);
  }
  if (!report.held_out.empty()) {
    std::printf(
        "  tied to them               %zu records of other sources (same group or cluster), also in test\n",
        report.held_out_tied);
  }
  std::printf("groups across splits        %zu\n", report.groups_across_splits);
  std::printf("clusters across splits      %zu\n", report.clusters_across_splits);
  for (const auto& [name, leak] :
       {std::pair{"dev", report.dev_in_train}, std::pair{"test", report.test_in_train}}) {
    std::printf("%-4s texts with a duplicate in train: %zu exact, %zu exact or near, of %zu\n", name,
                leak.exact, leak.near, leak.queries);
  }
}

int run_split(SplitCommandOptions options) {
  options.split.near_duplicates.threshold = options.threshold;
  options.split.keep_near_duplicates_together = !options.ignore_near_duplicates;
  validate_as_flags(options.split, {{"split.dev", "--dev"},
                                    {"split.test", "--test"},
                                    {"split.dev/test", "--dev/--test"},
                                    {"near_duplicates.threshold", "--threshold"}});
  const auto config = resolve(options.reader);
  auto files = open_split_files(options.out_dir);
  datasets::ReadStats stats;
  const auto records = datasets::read_records(options.inputs, config, &stats);  // reports bad rows
  const auto result = datasets::split_records(records, config.schema, options.split);
  write_splits(files, records, result.split_of, config.schema);
  OutputSink& report = *files.back();
  report.text() = result.report.to_json() + "\n";
  report.close();
  print_split_summary(result.report);
  return finish_rows(stats);
}

CLI::App* add_dedupe(CLI::App& data, DedupeOptions& options) {
  CLI::App* command =
      data.add_subcommand("dedupe", "Find exact and near-duplicate posts (templates) and report clusters");
  command->add_option("inputs", options.inputs, "record files (JSONL, CSV, TSV; .gz/.zst)")->required();
  command->add_option("--threshold", options.threshold,
                      "estimated Jaccard of 5-character shingles (default 0.7)");
  command->add_option("--top", options.top, "clusters to print, largest first (default 20)")
      ->check(kNotNegative);
  command->add_option("--min-size", options.min_size, "smallest cluster reported (default 2)")
      ->check(kNotNegative);
  command->add_option("-o,--out", options.out, "write each reported cluster as one JSON line to this file");
  add_reader_options(*command, options.reader);
  return command;
}

CLI::App* add_split(CLI::App& data, SplitCommandOptions& options) {
  CLI::App* command = data.add_subcommand(
      "split", "Split records into train/dev/test; no group or near-duplicate cluster crosses splits");
  command->add_option("inputs", options.inputs, "record files (JSONL, CSV, TSV; .gz/.zst)")->required();
  command
      ->add_option("-o,--out", options.out_dir,
                   "folder for train.jsonl, dev.jsonl, test.jsonl, split_report.json")
      ->required();
  command->add_option("--dev", options.split.dev, "share of records for dev (default 0.1)");
  command->add_option("--test", options.split.test, "share of records for test (default 0.1)");
  command->add_option("--seed", options.split.seed, "seed of the assignment (default 1)")
      ->check(kNotNegative);
  command->add_option("--threshold", options.threshold, "near-duplicate Jaccard threshold (default 0.7)");
  command->add_option(
      "--max-component-share", options.split.max_component_share,
      "a component of groups tied by clusters above this share is placed by group (default 0.02)");
  command
      ->add_option("--holdout-source", options.split.holdout_sources,
                   "send every record of this source (and all tied to it by group or cluster) to test, "
                   "never to train or dev; repeatable")
      ->allow_extra_args(false);
  command->add_flag("--ignore-near-duplicates", options.ignore_near_duplicates,
                    "keep only groups together (the report then shows the leakage this lets through)");
  add_reader_options(*command, options.reader);
  return command;
}

}  // namespace

std::vector<Command> add_dedupe_commands(CLI::App& data) {
  auto dedupe = std::make_shared<DedupeOptions>();
  auto split = std::make_shared<SplitCommandOptions>();
  return {{add_dedupe(data, *dedupe), [dedupe] { return run_dedupe(*dedupe); }},
          {add_split(data, *split), [split] { return run_split(*split); }}};
}

}  // namespace sieve::cli
