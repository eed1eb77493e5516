// sieve cluster: campaign templates in posts too many to hold — near-duplicate clusters with their
// accounts, languages, time range, representative text, the model's mean scores and links between
// translations of one template.

#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "command.h"
#include "file_io.h"
#include "flag_names.h"
#include "reader_options.h"
#include "sieve/analysis/cluster_profiles.h"
#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "text_display.h"
#include "validators.h"

namespace sieve::cli {
namespace {

constexpr std::size_t kShownChars = 90;

struct ClusterOptions {
  std::vector<std::string> inputs;
  std::string out;
  ReaderOptions reader;
  double threshold = datasets::NearDuplicateOptions().threshold;
  std::size_t min_size = 2;
  std::size_t top = 20;
  std::size_t label_min_size = 5;
  std::string model;
  bool cross_lingual = false;
  double link_threshold = 0.9;
  std::size_t link_min_size = 5;
  bool members = false;
  int threads = 0;
};

// Links between translations: per summary, its family and linked clusters by cluster number; empty when
// --cross-lingual is off.
struct Links {
  std::size_t embedded = 0;                        // clusters large enough to be embedded
  std::vector<std::uint32_t> family;               // per summary; kNone when not embedded
  std::vector<std::vector<std::uint32_t>> linked;  // per summary
};

Links link_translations(const datasets::TemplateClusters& result,
                        const std::vector<analysis::ClusterProfile>& profiles, double threshold) {
  std::vector<std::uint32_t> embedded;  // summary indexes
  std::vector<std::string> langs;
  std::vector<float> embeddings;
  std::size_t dim = 0;
  for (std::uint32_t s = 0; s < profiles.size(); ++s) {
    if (profiles[s].embedding_sums.empty()) continue;
    embedded.push_back(s);
    langs.push_back(profiles[s].main_lang());
    dim = profiles[s].embedding_sums.size();
    // The sum points where the mean does: the cosine does not need the division.
    for (const double v : profiles[s].embedding_sums) embeddings.push_back(static_cast<float>(v));
  }
  const auto links = datasets::link_clusters_across_languages(langs, embeddings, dim, threshold);
  Links out;
  out.embedded = embedded.size();
  out.family.assign(profiles.size(), datasets::TemplateClusters::kNone);
  out.linked.resize(profiles.size());
  const auto cluster = [&](std::uint32_t e) { return result.summaries[embedded[e]].cluster; };
  for (std::uint32_t e = 0; e < embedded.size(); ++e) {
    out.family[embedded[e]] = cluster(links.family[e]);
    for (const std::uint32_t other : links.linked[e]) out.linked[embedded[e]].push_back(cluster(other));
  }
  return out;
}

void write_scores(JsonWriter& w, const infer::Model& model, const analysis::ClusterProfile& profile,
                  std::size_t size) {
  w.key("scores").begin_object();
  for (std::size_t h = 0; h < model.heads().size(); ++h) {
    const infer::HeadInfo& head = model.heads()[h];
    const double* sums = &profile.score_sums[model.output_offset(h)];
    w.key(head.name);
    if (head.binary) {
      w.value(sums[0] / static_cast<double>(size));
      continue;
    }
    w.begin_object();
    for (std::size_t c = 0; c < head.labels.size(); ++c) w.key(head.labels[c]).value(sums[c] / size);
    w.end_object();
  }
  w.end_object();
}

void write_cluster(OutputSink& out, const datasets::TemplateCluster& c,
                   const analysis::ClusterProfile& profile, const analysis::LabelSpread& spread,
                   const infer::Model* model, const Links& links, std::uint32_t s) {
  JsonWriter w;
  w.begin_object();
  w.key("cluster").value(static_cast<std::uint64_t>(c.cluster));
  w.key("size").value(static_cast<std::uint64_t>(c.size));
  w.key("exact_duplicates").value(static_cast<std::uint64_t>(c.exact_duplicates));
  w.key("accounts").value(static_cast<std::uint64_t>(c.groups));
  w.key("langs").begin_array();
  for (const auto& lang : c.langs) w.value(lang);
  w.end_array().key("sources").begin_array();
  for (const auto& source : c.sources) w.value(source);
  w.end_array();
  if (c.first_time != 0) {
    w.key("first_time").value(static_cast<std::int64_t>(c.first_time));
    w.key("last_time").value(static_cast<std::int64_t>(c.last_time));
  }
  w.key("representative_id").value(profile.representative_id);
  w.key("representative").value(profile.representative_text);
  w.key("labels").begin_object();  // share of members labelled 1, per head with labelled members
  for (std::size_t k = 0; k < spread.heads.size(); ++k) {
    if (profile.labelled[k] == 0) continue;
    w.key(spread.heads[k]).value(static_cast<double>(profile.positive[k]) / profile.labelled[k]);
  }
  w.end_object();
  if (model) write_scores(w, *model, profile, c.size);
  if (!links.family.empty() && links.family[s] != datasets::TemplateClusters::kNone) {
    w.key("family").value(static_cast<std::uint64_t>(links.family[s]));
    w.key("linked").begin_array();
    for (const std::uint32_t other : links.linked[s]) w.value(static_cast<std::uint64_t>(other));
    w.end_array();
  }
  if (!profile.members.empty()) {
    w.key("members").begin_array();
    for (const auto& id : profile.members) w.value(id);
    w.end_array();
  }
  w.end_object();
  out.text() += w.str();
  out.text() += '\n';
  out.maybe_flush();
}

void print_summary(const ClusterOptions& options, const datasets::TemplateClusters& result,
                   const std::vector<analysis::ClusterProfile>& profiles,
                   const analysis::LabelSpread& spread) {
  const auto& c = result.clusters;
  std::printf("posts                       %zu\n", c.cluster_of.size());
  std::printf("exact-duplicate posts       %zu\n", c.exact_duplicates);
  std::printf("clusters                    %zu  (of %zu posts or more, exact or Jaccard >= %.2f)\n",
              result.summaries.size(), std::max<std::size_t>(options.min_size, 1), options.threshold);
  std::printf("posts in them               %zu\n", c.posts_in_clusters_of_at_least(options.min_size));
  if (options.top > 0 && !result.summaries.empty()) {
    std::printf("\nlargest clusters:\n%6s %8s  %-8s %-14s %s\n", "size", "accounts", "langs", "sources",
                "representative");
    for (std::size_t s = 0; s < result.summaries.size() && s < options.top; ++s) {
      const auto& t = result.summaries[s];
      std::printf("%6zu %8zu  %-8s %-14s %s\n", t.size, t.groups, join(t.langs).c_str(),
                  join(t.sources).c_str(), shorten(profiles[s].representative_text, kShownChars).c_str());
    }
  }
  if (spread.heads.empty()) return;
  std::printf("\nposts in clusters of %zu or more, by label:\n", options.label_min_size);
  for (std::size_t k = 0; k < spread.heads.size(); ++k) {
    for (int v = 1; v >= 0; --v) {
      const std::size_t all = spread.posts[v][k], in = spread.in_clusters[v][k];
      if (all == 0) continue;
      std::printf("  %-14s = %d  %8zu of %8zu  (%.2f %%)\n", spread.heads[k].c_str(), v, in, all,
                  100.0 * in / all);
    }
  }
}

void print_links(const Links& links, double threshold) {
  std::size_t linked = 0;
  std::map<std::uint32_t, std::size_t> families;  // family → clusters
  for (std::size_t s = 0; s < links.family.size(); ++s) {
    if (links.family[s] == datasets::TemplateClusters::kNone) continue;
    linked += !links.linked[s].empty();
    ++families[links.family[s]];
  }
  std::size_t several = 0, in_several = 0;
  for (const auto& [family, clusters] : families) {
    several += clusters > 1;
    in_several += clusters > 1 ? clusters : 0;
  }
  std::printf(
      "\ncross-lingual: %zu clusters embedded, %zu linked to a cluster of another language at cosine "
      ">= %.2f; %zu families of several clusters hold %zu clusters\n",
      links.embedded, linked, threshold, several, in_several);
}

int run_cluster(const ClusterOptions& options) {
  datasets::NearDuplicateOptions near;
  near.threshold = options.threshold;
  validate_as_flags(near, {{"near_duplicates.threshold", "--threshold"}});
  if (options.cross_lingual && options.model.empty())
    throw Error(ErrorKind::kConfig, "--cross-lingual",
                "needs --model: clusters are linked by its embeddings");
  const auto config = resolve(options.reader);
  std::unique_ptr<const infer::Model> model =
      options.model.empty() ? nullptr : infer::Model::load(options.model);
  OutputSink out(options.out);  // an unwritable output fails before the input is read
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  tbb::task_arena arena(threads);
  datasets::ReadStats stats;
  datasets::TemplateClusters result;
  std::vector<analysis::ClusterProfile> profiles;
  analysis::LabelSpread spread;
  arena.execute([&] {
    result = analysis::cluster_inputs(options.inputs, config, near, options.min_size, stats);
    analysis::ProfileOptions profile;
    profile.members = options.members;
    profile.model = model.get();
    profile.embed_min_size = options.cross_lingual ? std::max<std::size_t>(options.link_min_size, 1) : 0;
    profile.spread_min_size = options.label_min_size;
    profiles = analysis::profile_clusters(options.inputs, config, result, profile, spread);
  });
  Links links;
  if (options.cross_lingual) links = link_translations(result, profiles, options.link_threshold);
  for (std::uint32_t s = 0; s < result.summaries.size(); ++s)
    write_cluster(out, result.summaries[s], profiles[s], spread, model.get(), links, s);
  out.close();
  print_summary(options, result, profiles, spread);
  if (options.cross_lingual) print_links(links, options.link_threshold);
  std::fflush(stdout);
  return finish_rows(stats);
}

}  // namespace

std::vector<Command> add_cluster_command(CLI::App& app) {
  auto options = std::make_shared<ClusterOptions>();
  CLI::App* command = app.add_subcommand(
      "cluster", "Campaign templates: near-duplicate clusters with accounts, languages, times and scores");
  command->add_option("inputs", options->inputs, "posts (JSONL, CSV, TSV; .gz/.zst), read twice")->required();
  command->add_option("-o,--out", options->out, "one JSON line per cluster")->required();
  command->add_option("--threshold", options->threshold,
                      "estimated Jaccard of 5-character shingles (default 0.7)");
  command->add_option("--min-size", options->min_size, "smallest cluster written (default 2)")
      ->check(kNotNegative);
  command->add_option("--top", options->top, "clusters to print, largest first (default 20)")
      ->check(kNotNegative);
  command
      ->add_option("--label-min-size", options->label_min_size,
                   "count labelled posts in clusters of at least this size (default 5)")
      ->check(kNotNegative);
  command->add_option("--model", options->model, "model.sieve: mean scores per head of each cluster");
  command->add_flag("--cross-lingual", options->cross_lingual,
                    "link clusters of different languages whose mean embeddings are close (needs --model)");
  command->add_option("--link-threshold", options->link_threshold,
                      "cosine to link two clusters (default 0.9)");
  command->add_option("--link-min-size", options->link_min_size, "smallest cluster linked (default 5)")
      ->check(kNotNegative);
  command->add_flag("--members", options->members, "list the member ids of each cluster");
  command->add_option("--threads", options->threads, "worker threads (0: all cores)")->check(kNotNegative);
  add_reader_options(*command, options->reader);
  return {{command, [options] { return run_cluster(*options); }}};
}

}  // namespace sieve::cli
