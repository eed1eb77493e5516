// sieve data simulate: write the synthetic campaign corpus (the demo's data) as JSON lines.

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

#include "command.h"
#include "file_io.h"
#include "sieve/core/error.h"
#include "sieve/core/progress.h"
#include "sieve/simulator/simulator.h"
#include "validators.h"

namespace sieve::cli {
namespace {

struct SimulateCommandOptions {
  datasets::SimulatorOptions simulator;
  std::int64_t posts = 20000;  // signed here: CLI11 would wrap "-5" into a huge unsigned count
  std::string out = "-";
};

// What was written, for the summary line: per language, and per label how often 1 and how often missing.
struct Tally {
  std::uint64_t posts = 0;
  std::array<std::uint64_t, 3> langs{};  // en, fr, zh
  std::vector<std::uint64_t> positive, missing;
  std::map<std::string, std::uint64_t> named;  // posts per campaign written as the source

  void add(const datasets::Record& record, const std::vector<std::string>& campaigns_as_source) {
    ++posts;
    for (const auto& name : campaigns_as_source) named[name] += record.source == name;
    static constexpr std::array<const char*, 3> kLangs = {"en", "fr", "zh"};
    for (std::size_t i = 0; i < kLangs.size(); ++i) langs[i] += record.lang == kLangs[i];
    positive.resize(record.labels.size());
    missing.resize(record.labels.size());
    for (std::size_t i = 0; i < record.labels.size(); ++i) {
      positive[i] += record.labels[i] == 1;
      missing[i] += record.labels[i] == datasets::kMissingLabel;
    }
  }
};

void print_summary(const Tally& tally, const datasets::LabelSchema& schema, const std::string& out) {
  const auto share = [](std::uint64_t part, std::uint64_t whole) {
    return whole ? 100.0 * part / whole : 0.0;
  };
  std::fprintf(stderr, "sieve: wrote %llu simulated posts to %s\n",
               static_cast<unsigned long long>(tally.posts), out == "-" ? "<stdout>" : out.c_str());
  std::fprintf(stderr, "  lang    en %.1f%%  fr %.1f%%  zh %.1f%%\n", share(tally.langs[0], tally.posts),
               share(tally.langs[1], tally.posts), share(tally.langs[2], tally.posts));
  std::fprintf(stderr, "  %-12s %9s %8s\n", "label", "positive", "missing");
  for (std::size_t i = 0; i < schema.heads.size() && i < tally.positive.size(); ++i) {
    // Prevalence among the records that carry the label, so that dropout does not dilute it.
    std::fprintf(stderr, "  %-12s %8.1f%% %7.1f%%\n", schema.heads[i].name.c_str(),
                 share(tally.positive[i], tally.posts - tally.missing[i]),
                 share(tally.missing[i], tally.posts));
  }
  for (const auto& [name, posts] : tally.named) {
    std::fprintf(stderr, "  source %s: the %llu posts of campaign %s\n", name.c_str(),
                 static_cast<unsigned long long>(posts), name.c_str());
  }
}

std::string campaign_names() {
  std::string out;
  for (const auto& name : datasets::CampaignSimulator::campaign_names())
    (out += out.empty() ? "" : ", ") += name;
  return out;
}

int run_simulate(SimulateCommandOptions options) {
  if (options.posts < 1) {
    throw Error(ErrorKind::kConfig, "simulate.posts",
                "must be at least 1, got " + std::to_string(options.posts));
  }
  options.simulator.posts = static_cast<std::uint64_t>(options.posts);
  datasets::CampaignSimulator simulator(options.simulator);  // validates before the file is created
  OutputSink sink(options.out);
  Progress progress("simulate");
  const auto start = std::chrono::steady_clock::now();
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  Tally tally;
  datasets::Record record;
  while (simulator.next(record)) {
    append_jsonl(record, simulator.schema(), sink.text());
    sink.text() += '\n';
    sink.maybe_flush();
    tally.add(record, options.simulator.campaigns_as_source);
    if (tally.posts % 65536 == 0) progress.update(tally.posts, seconds(), options.simulator.posts);
  }
  sink.close();
  if (tally.posts >= 65536) progress.finish(tally.posts, seconds());
  print_summary(tally, simulator.schema(), options.out);
  return 0;
}

}  // namespace

std::vector<Command> add_simulate_command(CLI::App& data) {
  auto options = std::make_shared<SimulateCommandOptions>();
  CLI::App* command = data.add_subcommand(
      "simulate", "Write a synthetic labelled corpus: organic posts and coordinated campaigns (EN/FR/ZH)");
  auto& simulator = options->simulator;
  command->add_option("-n,--n,--posts", options->posts, "number of posts (default 20000)");
  command->add_option("--seed", simulator.seed, "the same seed gives the same corpus everywhere (default 1)")
      ->check(kNotNegative);
  command->add_option("--campaign-share", simulator.campaign_share,
                      "expected share of posts from campaign accounts (default 0.3)");
  command->add_option("--label-dropout", simulator.label_dropout,
                      "probability that each label of a post is left missing (default 0.15)");
  command
      ->add_option("--campaign-as-source", simulator.campaigns_as_source,
                   "write this campaign's name as its posts' source instead of a platform, for "
                   "`data split --holdout-source`; repeatable (campaigns: " +
                       campaign_names() + ")")
      ->allow_extra_args(false);
  command->add_option("-o,--out", options->out, "output JSONL file (default '-': standard output)");
  return {{command, [options] { return run_simulate(*options); }}};
}

}  // namespace sieve::cli
