// sieve adapt --suggest N base.sieve posts.jsonl: the N posts of a new campaign an analyst should label
// first, as JSONL ready to label: each post with the head's key set to null and why it was chosen.

#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "adapt_command.h"
#include "file_io.h"
#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "sieve/core/json_writer.h"
#include "sieve/datasets/label_suggestions.h"
#include "sieve/datasets/near_duplicates.h"
#include "sieve/datasets/record_reader.h"
#include "sieve/runtime/model.h"

namespace sieve::cli {
namespace {

double logit(double p) {
  const double q = std::clamp(p, 1e-7, 1 - 1e-7);
  return std::log(q / (1 - q));
}

// The binary heads whose uncertainty counts: the one asked for when the model has it, none when it is a
// head the model lacks (posts are then chosen for spread alone), else every binary head.
std::vector<std::size_t> uncertainty_heads(const infer::Model& model, const std::vector<std::string>& asked) {
  if (asked.size() > 1) throw Error(ErrorKind::kConfig, "--head", "--suggest takes at most one head");
  std::vector<std::size_t> heads;
  for (std::size_t k = 0; k < model.heads().size(); ++k) {
    if (!model.heads()[k].binary) continue;
    if (asked.empty() || model.heads()[k].name == asked.front()) heads.push_back(k);
  }
  return heads;
}

}  // namespace

int run_suggest(const AdaptOptions& options) {
  auto model = infer::Model::load(options.base);
  datasets::ReaderConfig config = resolve(options.reader);
  config.schema = {};  // labels, if any, are not read: the posts are to be labelled
  datasets::ReadStats stats;
  const std::vector<datasets::Record> records = datasets::read_records({options.labelled}, config, &stats);
  if (records.empty()) throw Error(ErrorKind::kInvalidInput, options.labelled, "no posts to choose from");
  const std::vector<std::size_t> heads = uncertainty_heads(*model, options.heads);

  std::vector<std::string_view> texts;
  for (const datasets::Record& r : records) texts.push_back(r.text);
  std::vector<float> probabilities(records.size() * model->output_count());
  tbb::task_arena arena(options.threads > 0 ? options.threads : tbb::info::default_concurrency());
  datasets::NearDuplicateClusters clusters;
  arena.execute([&] {
    model->score_batch(texts, probabilities.data());
    const datasets::NearDuplicateOptions near;
    clusters = datasets::cluster_near_duplicates(datasets::MinHasher(near).sign_all(records), near);
  });

  std::vector<datasets::SuggestionCandidate> candidates(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    datasets::SuggestionCandidate& c = candidates[i];
    c.margin = heads.empty() ? 0 : INFINITY;
    for (std::size_t k : heads) {
      const double p = probabilities[i * model->output_count() + model->output_offset(k)];
      c.margin =
          std::min(c.margin, std::abs(logit(p) - logit(model->heads()[k].threshold_for(records[i].lang))));
    }
    c.cluster = clusters.cluster_of[i];
    c.cluster_size = clusters.sizes[c.cluster];
    c.group = records[i].group_or_id();
    c.tie_break = hash64(records[i].id, options.seed);
  }
  const std::vector<std::size_t> chosen = datasets::choose_suggestions(candidates, options.suggest);

  const std::string label_key = options.heads.empty() ? "" : options.heads.front();
  OutputSink out(options.out.empty() ? "-" : options.out);
  for (std::size_t rank = 0; rank < chosen.size(); ++rank) {
    const std::size_t i = chosen[rank];
    std::string line;
    datasets::append_jsonl(records[i], config.schema, line);
    line.pop_back();  // the closing brace: the suggestion's fields follow
    JsonWriter w;
    w.begin_object();
    if (!label_key.empty()) w.key(label_key).null();
    w.key("suggestion").begin_object().key("rank").value(static_cast<std::uint64_t>(rank + 1));
    if (!heads.empty()) w.key("margin").value(candidates[i].margin);
    w.key("template_posts").value(static_cast<std::uint64_t>(candidates[i].cluster_size));
    w.end_object().end_object();
    line += "," + w.str().substr(1) + "\n";
    out.text() += line;
    out.maybe_flush();
  }
  out.close();
  std::cerr << "sieve: adapt: suggested " << chosen.size() << " of " << records.size() << " posts ("
            << clusters.count() << " templates, " << stats.rejected << " rows rejected)\n";
  return stats.rejected > 0 ? 2 : 0;
}

}  // namespace sieve::cli
