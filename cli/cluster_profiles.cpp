#include "cluster_profiles.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>

#include "sieve/core/error.h"

namespace sieve::cli {
namespace {

constexpr std::size_t kChunkRecords = 2048;

void check_rereadable(const std::vector<std::string>& inputs) {
  for (const std::string& input : inputs) {
    if (input == "-") {
      throw Error(ErrorKind::kConfig, "input",
                  "posts are read twice (clusters, then their texts): give files, not -");
    }
  }
}

// Posts of summarized clusters on their way through the second pass.
struct MemberChunk {
  std::vector<datasets::Record> records;
  std::vector<std::uint32_t> posts;     // post numbers
  std::vector<std::uint32_t> clusters;  // summary indexes
  std::vector<float> scores;            // model.output_count() per record
  std::vector<float> embeddings;        // pooled_dim per record; zeros for records not embedded
};

std::vector<std::size_t> binary_heads(const datasets::LabelSchema& schema) {
  std::vector<std::size_t> heads;
  for (std::size_t h = 0; h < schema.heads.size(); ++h) {
    if (schema.heads[h].binary()) heads.push_back(h);
  }
  return heads;
}

}  // namespace

std::string ClusterProfile::main_lang() const {
  std::string best;
  std::size_t most = 0;
  for (const auto& [lang, n] : lang_counts) {
    if (!lang.empty() && n > most) {
      best = lang;
      most = n;
    }
  }
  return best;
}

datasets::TemplateClusters cluster_inputs(const std::vector<std::string>& inputs,
                                          const datasets::ReaderConfig& config,
                                          const datasets::NearDuplicateOptions& options, std::size_t min_size,
                                          datasets::ReadStats& stats) {
  check_rereadable(inputs);
  datasets::TemplateClusterer clusterer(options);
  for (const std::string& input : inputs) {
    datasets::RecordReader reader(input, config);
    clusterer.add_all(reader);
    stats += reader.stats();
  }
  return clusterer.finish(min_size);
}

std::vector<ClusterProfile> profile_clusters(const std::vector<std::string>& inputs,
                                             const datasets::ReaderConfig& config,
                                             const datasets::TemplateClusters& result,
                                             const ProfileOptions& options, LabelSpread& spread) {
  check_rereadable(inputs);
  const infer::Model* model = options.model;
  const std::size_t width = model ? model->output_count() : 0;
  const std::size_t dim = model && options.embed_min_size > 0 ? model->network().pooled_dim() : 0;
  const std::vector<std::size_t> heads = binary_heads(config.schema);
  spread.heads.clear();
  for (const std::size_t h : heads) spread.heads.push_back(config.schema.heads[h].name);
  for (int v = 0; v < 2; ++v)
    spread.posts[v].assign(heads.size(), 0), spread.in_clusters[v].assign(heads.size(), 0);

  std::vector<ClusterProfile> profiles(result.summaries.size());
  for (std::size_t s = 0; s < profiles.size(); ++s) {
    profiles[s].labelled.assign(heads.size(), 0);
    profiles[s].positive.assign(heads.size(), 0);
    profiles[s].score_sums.assign(width, 0.0);
    if (dim > 0 && result.summaries[s].size >= options.embed_min_size)
      profiles[s].embedding_sums.assign(dim, 0.0);
  }
  const auto& sizes = result.clusters.sizes;
  const auto& cluster_of = result.clusters.cluster_of;
  tbb::enumerable_thread_specific<infer::ScoreWorkspace> workspaces;

  std::size_t post = 0;  // number of the next post, across the inputs
  for (const std::string& input : inputs) {
    datasets::RecordReader reader(input, config, [](const std::string&, const std::string&) {});
    bool done = false;
    const auto read = [&](tbb::flow_control& control) -> std::shared_ptr<MemberChunk> {
      auto chunk = std::make_shared<MemberChunk>();
      datasets::Record record;
      std::size_t seen = 0;
      while (!done && seen < kChunkRecords) {
        if (!reader.next(record)) {
          done = true;
          break;
        }
        ++seen;
        const std::size_t p = post++;
        if (p >= cluster_of.size()) throw Error(ErrorKind::kIo, input, "changed between the two passes");
        const bool large = sizes[cluster_of[p]] >= options.spread_min_size;
        for (std::size_t k = 0; k < heads.size(); ++k) {
          const int label = record.labels.empty() ? -1 : record.labels[heads[k]];
          if (label < 0 || label > 1) continue;
          ++spread.posts[label][k];
          if (large) ++spread.in_clusters[label][k];
        }
        const std::uint32_t s = result.summary_of(p);
        if (s == datasets::TemplateClusters::kNone) continue;
        chunk->posts.push_back(static_cast<std::uint32_t>(p));
        chunk->clusters.push_back(s);
        chunk->records.push_back(std::move(record));
      }
      if (seen == 0) control.stop();
      return chunk;
    };
    const auto score = [&](std::shared_ptr<MemberChunk> chunk) {
      if (!chunk || !model) return chunk;
      infer::ScoreWorkspace& w = workspaces.local();
      const std::size_t n = chunk->records.size();
      chunk->scores.resize(n * width);
      chunk->embeddings.assign(n * dim, 0.0f);
      for (std::size_t i = 0; i < n; ++i) {
        const std::string& text = chunk->records[i].text;
        model->score(text, w, &chunk->scores[i * width]);
        if (profiles[chunk->clusters[i]].embedding_sums.empty()) continue;
        // score() left the post's features in the workspace.
        const infer::PostIds ids{w.features.ids.data(), w.features.ids.size(), w.features.subword_count,
                                 w.features.dense.data(), w.features.dense.size()};
        model->network().embed(ids, w.network, &chunk->embeddings[i * dim]);
      }
      return chunk;
    };
    const auto gather = [&](std::shared_ptr<MemberChunk> chunk) {
      if (!chunk) return;
      for (std::size_t i = 0; i < chunk->records.size(); ++i) {
        const datasets::Record& r = chunk->records[i];
        const datasets::TemplateCluster& summary = result.summaries[chunk->clusters[i]];
        ClusterProfile& profile = profiles[chunk->clusters[i]];
        if (chunk->posts[i] == summary.representative) {
          profile.representative_id = r.id;
          profile.representative_text = r.text;
        }
        if (options.members) profile.members.push_back(r.id);
        for (std::size_t k = 0; k < heads.size(); ++k) {
          const int label = r.labels.empty() ? -1 : r.labels[heads[k]];
          if (label < 0 || label > 1) continue;
          ++profile.labelled[k];
          profile.positive[k] += static_cast<std::size_t>(label);
        }
        auto lang = std::find_if(profile.lang_counts.begin(), profile.lang_counts.end(),
                                 [&](const auto& entry) { return entry.first == r.lang; });
        if (lang == profile.lang_counts.end()) lang = profile.lang_counts.insert(lang, {r.lang, 0});
        ++lang->second;
        for (std::size_t o = 0; o < width && model; ++o)
          profile.score_sums[o] += chunk->scores[i * width + o];
        for (std::size_t d = 0; d < profile.embedding_sums.size(); ++d)
          profile.embedding_sums[d] += chunk->embeddings[i * dim + d];
      }
    };
    const auto tokens = static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()) * 2 + 1;
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, std::shared_ptr<MemberChunk>>(tbb::filter_mode::serial_in_order, read) &
            tbb::make_filter<std::shared_ptr<MemberChunk>, std::shared_ptr<MemberChunk>>(
                tbb::filter_mode::parallel, score) &
            tbb::make_filter<std::shared_ptr<MemberChunk>, void>(tbb::filter_mode::serial_in_order, gather));
  }
  return profiles;
}

}  // namespace sieve::cli
