// sieve accounts: one row per account (its posts, languages, times, the model's scores and the evidence of
// coordination), the coordination network of accounts that post near-copies within a window, and its
// connected components (docs/accounts.md).

#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <limits>

#include "account_output.h"
#include "command.h"
#include "file_io.h"
#include "flag_names.h"
#include "reader_options.h"
#include "sieve/analysis/account_table.h"
#include "sieve/analysis/cluster_profiles.h"
#include "sieve/core/error.h"
#include "template_window_options.h"
#include "validators.h"

namespace sieve::cli {
namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kEvidencePosts = 3;

struct AccountsOptions {
  std::vector<std::string> inputs;
  std::string out;
  std::string model;
  std::string window = "1h";
  double threshold = datasets::NearDuplicateOptions().threshold;  // near-duplicate Jaccard
  std::string graph;                                              // edges: .csv or .graphml
  std::string components;                                         // JSON lines
  bool stream = false;  // one pass, templates in a rolling window of bounded memory
  std::size_t stream_max_posts = datasets::TemplateWindowOptions().max_posts;
  int threads = 0;
  ReaderOptions reader;
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Per account the posts that weigh most as evidence: the most coordinated-looking of those in shared
// templates first, then the others.
std::vector<std::vector<std::uint32_t>> evidence_posts(const analysis::AccountTable& table,
                                                       const std::vector<bool>& shared_cluster) {
  std::vector<std::vector<std::pair<double, std::uint32_t>>> best(table.accounts.size());
  const std::size_t heads = table.heads.size();
  for (std::uint32_t i = 0; i < table.posts.size(); ++i) {
    const datasets::AccountPost& p = table.posts[i];
    const double text = table.coordinated_head < 0
                            ? 0
                            : table.scores[i * heads + static_cast<std::size_t>(table.coordinated_head)];
    const double weight = text + (shared_cluster[p.cluster] ? 1 : 0);
    auto& list = best[p.account];
    if (list.size() == kEvidencePosts && weight <= list.back().first) continue;
    list.emplace_back(weight, i);
    std::sort(list.begin(), list.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    if (list.size() > kEvidencePosts) list.pop_back();
  }
  std::vector<std::vector<std::uint32_t>> posts(best.size());
  for (std::size_t a = 0; a < best.size(); ++a) {
    for (const auto& [weight, i] : best[a]) posts[a].push_back(i);
  }
  return posts;
}

// Per shared template, the post that shows it: the summary's representative, or its first post (--stream).
std::vector<std::uint32_t> representative_posts(const analysis::AccountTable& table,
                                                const datasets::CoordinationResult& coordination,
                                                const datasets::TemplateClusters& clusters) {
  std::vector<std::uint32_t> representative(coordination.shared.size(), kNone);
  for (std::uint32_t i = 0; i < table.posts.size(); ++i) {
    const std::uint32_t c = table.posts[i].cluster;
    if (coordination.shared[c] && representative[c] == kNone) representative[c] = i;
  }
  for (const datasets::TemplateCluster& t : clusters.summaries) {
    if (coordination.shared[t.cluster]) representative[t.cluster] = t.representative;
  }
  return representative;
}

// The account rows, and the network and its components when asked for, each in the format its name says.
void write_outputs(const AccountReport& report, const AccountsOptions& options, OutputSink& out,
                   OutputSink* graph, OutputSink* components) {
  if (ends_with(options.out, ".csv")) {
    write_accounts_csv(report, out);
  } else {
    write_accounts_jsonl(report, out);
  }
  out.close();
  if (graph) {
    if (ends_with(options.graph, ".graphml")) {
      write_graphml(report, *graph);
    } else {
      write_edges_csv(report, *graph);
    }
    graph->close();
  }
  if (components) {
    write_components(report, *components);
    components->close();
  }
}

// Posts without an account each count as an account of their own; when many have none, the account
// column is most likely mapped wrong, and every result would be about posts, not accounts.
void warn_of_posts_without_account(const analysis::AccountTable& table,
                                   const datasets::ReaderConfig& config) {
  const std::size_t without = table.posts_without_account, posts = table.posts.size();
  if (without == 0) return;
  const std::string what = without == posts ? "none of the " + std::to_string(posts) + " posts has an account"
                                            : std::to_string(without) + " of the " + std::to_string(posts) +
                                                  " posts have no account";
  std::fprintf(stderr,
               "sieve: accounts: warning: %s (column '%s'; map another with --set data.group=<column>): "
               "each counts as an account of its own\n",
               what.c_str(), config.columns.group.c_str());
}

int run_accounts(const AccountsOptions& options) {
  const std::int64_t window = parse_duration(options.window, "--window");
  datasets::NearDuplicateOptions near;
  near.threshold = options.threshold;
  validate_as_flags(near, {{"near_duplicates.threshold", "--threshold"}});
  const auto config = resolve(options.reader);
  const std::unique_ptr<const infer::Model> model =
      options.model.empty() ? nullptr : infer::Model::load(options.model);
  OutputSink out(options.out);  // unwritable outputs fail before the input is read
  std::unique_ptr<OutputSink> graph =
      options.graph.empty() ? nullptr : std::make_unique<OutputSink>(options.graph);
  std::unique_ptr<OutputSink> components =
      options.components.empty() ? nullptr : std::make_unique<OutputSink>(options.components);
  tbb::task_arena arena(options.threads > 0 ? options.threads : tbb::info::default_concurrency());
  datasets::ReadStats stats;
  datasets::TemplateClusters clusters;
  analysis::AccountTable table;
  arena.execute([&] {
    if (options.stream) {
      datasets::TemplateWindowOptions templates;
      templates.window_seconds = std::max<std::int64_t>(window, 2);  // two periods of whole seconds
      templates.max_posts = options.stream_max_posts;
      templates.near_duplicates = near;
      table = analysis::read_accounts_streaming(options.inputs, config, templates, model.get(), stats);
    } else {
      clusters = analysis::cluster_inputs(options.inputs, config, near, 2, stats);
      table = analysis::read_accounts(options.inputs, config, clusters, model.get());
    }
  });
  warn_of_posts_without_account(table, config);
  const datasets::CoordinationResult coordination =
      datasets::analyze_coordination(table.posts, table.accounts.size(), window);
  const std::vector<std::uint32_t> component =
      datasets::connected_components(table.accounts.size(), coordination.edges);
  std::vector<double> score(table.accounts.size());
  for (std::size_t a = 0; a < score.size(); ++a)
    score[a] = datasets::account_coordinated_score(table.mean_coordinated(a), coordination.accounts[a]);

  // The texts the rows show: evidence posts and the representative of each account's largest shared
  // template (components show those too).
  const std::vector<std::uint32_t> representative = representative_posts(table, coordination, clusters);
  const auto evidence = evidence_posts(table, coordination.shared);
  std::vector<std::uint32_t> wanted;
  for (const auto& posts : evidence) wanted.insert(wanted.end(), posts.begin(), posts.end());
  for (const datasets::AccountCoordination& c : coordination.accounts) {
    if (c.largest_shared != kNone) wanted.push_back(representative[c.largest_shared]);
  }
  // Standard input cannot be read again (--stream): the rows then name evidence posts by template only.
  const bool rereadable =
      std::find(options.inputs.begin(), options.inputs.end(), "-") == options.inputs.end();
  const auto texts = rereadable ? analysis::read_posts(options.inputs, config, wanted)
                                : std::unordered_map<std::uint32_t, analysis::PostText>();

  const AccountReport report{table, coordination, component, score, evidence, texts, representative};
  write_outputs(report, options, out, graph.get(), components.get());
  std::size_t linked = 0;
  for (const datasets::AccountCoordination& c : coordination.accounts) linked += c.co_accounts > 0;
  std::printf("posts %zu, accounts %zu, linked accounts %zu, edges %zu (near-copies within %llds)\n",
              table.posts.size(), table.accounts.size(), linked, coordination.edges.size(),
              static_cast<long long>(window));
  std::fflush(stdout);
  return finish_rows(stats);
}

}  // namespace

std::vector<Command> add_accounts_command(CLI::App& app) {
  auto options = std::make_shared<AccountsOptions>();
  CLI::App* command = app.add_subcommand(
      "accounts",
      "Accounts and their coordination network: one row per account, edges between accounts "
      "posting near-copies within a window");
  command
      ->add_option("inputs", options->inputs,
                   "posts (JSONL, CSV, TSV; .gz/.zst), read three times (with --stream twice, standard input "
                   "once); the "
                   "account is the group column (--set data.group=...)")
      ->required();
  command->add_option("-o,--out", options->out, "one row per account: .jsonl, or .csv")->required();
  command->add_option("--model", options->model,
                      "model.sieve: per head the mean, 90th percentile and flagged share");
  command->add_option("--window", options->window,
                      "near-copies this close in time are coordinated (default 1h)");
  command->add_option("--threshold", options->threshold,
                      "near-copies: estimated Jaccard of shingles (default 0.7)");
  command->add_option("--graph", options->graph, "the coordination network: edges.csv, or a .graphml file");
  command->add_option("--components", options->components, "connected components of the network, JSON lines");
  command->add_flag("--stream", options->stream,
                    "templates are near-copies within a rolling window of the posts instead of clusters of "
                    "the whole input: one analysis pass in bounded memory (standard input works, read once; "
                    "a file is read once more for the texts the rows quote)");
  command
      ->add_option("--stream-max-posts", options->stream_max_posts,
                   "--stream: posts the template window holds at most (default 200000)")
      ->check(kAtLeastOne);
  command->add_option("--threads", options->threads, "worker threads (0: all cores)")->check(kNotNegative);
  add_reader_options(*command, options->reader);
  return {{command, [options] { return run_accounts(*options); }}};
}

}  // namespace sieve::cli
