#include "sieve/analysis/cluster_profiles.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>

#include "sieve/core/error.h"

namespace sieve::analysis {
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
  std::size_t seen = 0;  // records read, kept or not
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

namespace {

// The second pass over the inputs: reads chunks in order, scores (and embeds) them on the workers, and adds
// them to their clusters' profiles in order.
class ProfilePass {
 public:
  ProfilePass(const datasets::ReaderConfig& config, const datasets::TemplateClusters& result,
              const ProfileOptions& options, LabelSpread& spread)
      : result_(result),
        options_(options),
        spread_(spread),
        model_(options.model),
        width_(model_ ? model_->output_count() : 0),
        dim_(model_ && options.embed_min_size > 0 ? model_->network().pooled_dim() : 0),
        heads_(binary_heads(config.schema)),
        profiles_(result.summaries.size()) {
    spread.heads.clear();
    for (const std::size_t h : heads_) spread.heads.push_back(config.schema.heads[h].name);
    for (int v = 0; v < 2; ++v) {
      spread.posts[v].assign(heads_.size(), 0);
      spread.in_clusters[v].assign(heads_.size(), 0);
    }
    for (std::size_t s = 0; s < profiles_.size(); ++s) {
      profiles_[s].labelled.assign(heads_.size(), 0);
      profiles_[s].positive.assign(heads_.size(), 0);
      profiles_[s].score_sums.assign(width_, 0.0);
      if (dim_ > 0 && result.summaries[s].size >= options.embed_min_size)
        profiles_[s].embedding_sums.assign(dim_, 0.0);
    }
  }

  // Up to kChunkRecords records of reader, counted in the label spread; those of summarized clusters are
  // kept. Empty (and done set) at the end.
  std::shared_ptr<MemberChunk> read(datasets::RecordReader& reader, const std::string& input, bool& done) {
    auto chunk = std::make_shared<MemberChunk>();
    datasets::Record record;
    while (chunk->seen < kChunkRecords && !done) {
      if (!reader.next(record)) {
        done = true;
        break;
      }
      ++chunk->seen;
      const std::size_t p = post_++;
      if (p >= result_.clusters.cluster_of.size())
        throw Error(ErrorKind::kIo, input, "changed between the two passes");
      count_spread(record,
                   result_.clusters.sizes[result_.clusters.cluster_of[p]] >= options_.spread_min_size);
      const std::uint32_t s = result_.summary_of(p);
      if (s == datasets::TemplateClusters::kNone) continue;
      chunk->posts.push_back(static_cast<std::uint32_t>(p));
      chunk->clusters.push_back(s);
      chunk->records.push_back(std::move(record));
    }
    return chunk;
  }

  // On a worker thread: the model's scores of the chunk, and the pooled vectors of posts to embed.
  void score(MemberChunk& chunk) {
    if (!model_) return;
    infer::ScoreWorkspace& w = workspaces_.local();
    const std::size_t n = chunk.records.size();
    chunk.scores.resize(n * width_);
    chunk.embeddings.assign(n * dim_, 0.0f);
    for (std::size_t i = 0; i < n; ++i) {
      model_->score(chunk.records[i].text, w, &chunk.scores[i * width_]);
      if (profiles_[chunk.clusters[i]].embedding_sums.empty()) continue;
      // score() left the post's features in the workspace.
      const infer::PostIds ids{w.features.ids.data(), w.features.ids.size(), w.features.subword_count,
                               w.features.dense.data(), w.features.dense.size()};
      model_->network().embed(ids, w.network, &chunk.embeddings[i * dim_]);
    }
  }

  void gather(const MemberChunk& chunk) {
    for (std::size_t i = 0; i < chunk.records.size(); ++i) add(chunk, i);
  }

  std::vector<ClusterProfile> take() { return std::move(profiles_); }

 private:
  void count_spread(const datasets::Record& record, bool in_large_cluster) {
    for (std::size_t k = 0; k < heads_.size(); ++k) {
      const int label = record.labels.empty() ? -1 : record.labels[heads_[k]];
      if (label < 0 || label > 1) continue;
      ++spread_.posts[label][k];
      if (in_large_cluster) ++spread_.in_clusters[label][k];
    }
  }

  // Adds chunk record i to its cluster's profile.
  void add(const MemberChunk& chunk, std::size_t i) {
    const datasets::Record& r = chunk.records[i];
    ClusterProfile& profile = profiles_[chunk.clusters[i]];
    if (chunk.posts[i] == result_.summaries[chunk.clusters[i]].representative) {
      profile.representative_id = r.id;
      profile.representative_text = r.text;
    }
    if (options_.members) profile.members.push_back(r.id);
    for (std::size_t k = 0; k < heads_.size(); ++k) {
      const int label = r.labels.empty() ? -1 : r.labels[heads_[k]];
      if (label < 0 || label > 1) continue;
      ++profile.labelled[k];
      profile.positive[k] += static_cast<std::size_t>(label);
    }
    auto lang = std::find_if(profile.lang_counts.begin(), profile.lang_counts.end(),
                             [&](const auto& entry) { return entry.first == r.lang; });
    if (lang == profile.lang_counts.end()) lang = profile.lang_counts.insert(lang, {r.lang, 0});
    ++lang->second;
    for (std::size_t o = 0; o < width_ && model_; ++o) profile.score_sums[o] += chunk.scores[i * width_ + o];
    for (std::size_t d = 0; d < profile.embedding_sums.size(); ++d)
      profile.embedding_sums[d] += chunk.embeddings[i * dim_ + d];
  }

  const datasets::TemplateClusters& result_;
  const ProfileOptions& options_;
  LabelSpread& spread_;
  const infer::Model* model_;
  const std::size_t width_, dim_;
  const std::vector<std::size_t> heads_;
  std::vector<ClusterProfile> profiles_;
  tbb::enumerable_thread_specific<infer::ScoreWorkspace> workspaces_;
  std::size_t post_ = 0;  // number of the next post, across the inputs
};

}  // namespace

std::vector<ClusterProfile> profile_clusters(const std::vector<std::string>& inputs,
                                             const datasets::ReaderConfig& config,
                                             const datasets::TemplateClusters& result,
                                             const ProfileOptions& options, LabelSpread& spread) {
  check_rereadable(inputs);
  ProfilePass pass(config, result, options, spread);
  using Chunk = std::shared_ptr<MemberChunk>;
  for (const std::string& input : inputs) {
    datasets::RecordReader reader(input, config, [](const std::string&, const std::string&) {});
    bool done = false;
    const auto read = [&](tbb::flow_control& control) -> Chunk {
      Chunk chunk = pass.read(reader, input, done);
      if (chunk->seen == 0) control.stop();
      return chunk;
    };
    const auto score = [&](Chunk chunk) {
      if (chunk) pass.score(*chunk);
      return chunk;
    };
    const auto gather = [&](Chunk chunk) {
      if (chunk) pass.gather(*chunk);
    };
    const auto tokens = static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()) * 2 + 1;
    tbb::parallel_pipeline(tokens,
                           tbb::make_filter<void, Chunk>(tbb::filter_mode::serial_in_order, read) &
                               tbb::make_filter<Chunk, Chunk>(tbb::filter_mode::parallel, score) &
                               tbb::make_filter<Chunk, void>(tbb::filter_mode::serial_in_order, gather));
  }
  return pass.take();
}

}  // namespace sieve::analysis
