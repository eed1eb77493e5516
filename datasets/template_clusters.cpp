#include "sieve/datasets/template_clusters.h"

#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "representative.h"
#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "union_find.h"

namespace sieve::datasets {
namespace {

constexpr std::uint64_t kGroupSeed = 0x6750'0000'0000'0007ULL;
constexpr std::size_t kMaxNames = 65535;

// A chunk of the input on its way through add_all's pipeline.
struct Chunk {
  std::vector<Record> records;
  std::vector<Signature> signatures;
};

}  // namespace

TemplateClusterer::TemplateClusterer(NearDuplicateOptions options)
    : hasher_(options), index_(std::move(options)) {}

std::uint16_t TemplateClusterer::intern(std::vector<std::string>& names, const std::string& name) {
  const auto at = std::find(names.begin(), names.end(), name);
  if (at != names.end()) return static_cast<std::uint16_t>(at - names.begin());
  if (names.size() == kMaxNames) {
    throw Error(ErrorKind::kInvalidInput, "template clusters",
                "more than 65,535 distinct languages or sources: '" + name + "'");
  }
  names.push_back(name);
  return static_cast<std::uint16_t>(names.size() - 1);
}

void TemplateClusterer::add_signed(const std::vector<Record>& records,
                                   const std::vector<Signature>& signatures) {
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    index_.add(signatures[i]);
    Post post;
    post.text_hash = signatures[i].text_hash;
    post.group_hash = hash64(r.group_or_id(), kGroupSeed);
    post.time = r.time;
    post.lang = intern(langs_, r.lang);
    post.source = intern(sources_, r.source);
    posts_.push_back(post);
  }
}

void TemplateClusterer::add(const std::vector<Record>& records) {
  add_signed(records, hasher_.sign_all(records));
}

void TemplateClusterer::add_all(RecordReader& reader, std::size_t chunk_records) {
  chunk_records = std::max<std::size_t>(chunk_records, 1);
  reader.report_unreadable_times();
  bool done = false;
  const auto read = [&](tbb::flow_control& control) -> std::shared_ptr<Chunk> {
    auto chunk = std::make_shared<Chunk>();
    chunk->records.reserve(chunk_records);
    Record record;
    while (!done && chunk->records.size() < chunk_records) {
      if (!reader.next(record)) {
        done = true;
        break;
      }
      chunk->records.push_back(std::move(record));
    }
    if (chunk->records.empty()) control.stop();
    return chunk;
  };
  const auto sign = [&](std::shared_ptr<Chunk> chunk) {
    if (!chunk) return chunk;
    chunk->signatures.resize(chunk->records.size());
    SignScratch scratch;
    for (std::size_t i = 0; i < chunk->records.size(); ++i)
      hasher_.sign(chunk->records[i].text, chunk->signatures[i], scratch);
    return chunk;
  };
  const auto index = [&](std::shared_ptr<Chunk> chunk) {
    if (chunk) add_signed(chunk->records, chunk->signatures);
  };
  const auto tokens = static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()) * 2 + 1;
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, std::shared_ptr<Chunk>>(tbb::filter_mode::serial_in_order, read) &
          tbb::make_filter<std::shared_ptr<Chunk>, std::shared_ptr<Chunk>>(tbb::filter_mode::parallel, sign) &
          tbb::make_filter<std::shared_ptr<Chunk>, void>(tbb::filter_mode::serial_in_order, index));
}

TemplateCluster TemplateClusterer::summarize(std::uint32_t cluster,
                                             const std::vector<std::uint32_t>& members) const {
  TemplateCluster out;
  out.cluster = cluster;
  out.size = members.size();
  out.first_post = members.front();
  std::unordered_set<std::uint64_t> groups;
  std::vector<std::uint16_t> langs, sources;
  for (const std::uint32_t i : members) {
    const Post& p = posts_[i];
    groups.insert(p.group_hash);
    if (std::find(langs.begin(), langs.end(), p.lang) == langs.end()) langs.push_back(p.lang);
    if (std::find(sources.begin(), sources.end(), p.source) == sources.end()) sources.push_back(p.source);
    if (p.time != 0) {
      out.first_time = out.first_time == 0 ? p.time : std::min(out.first_time, p.time);
      out.last_time = out.last_time == 0 ? p.time : std::max(out.last_time, p.time);
    }
  }
  const detail::RepresentativeChoice choice =
      detail::choose_representative(members, [&](std::uint32_t i) { return posts_[i].text_hash; });
  out.representative = choice.representative;
  out.exact_duplicates = choice.exact_duplicates;
  out.groups = groups.size();
  for (const std::uint16_t l : langs) out.langs.push_back(langs_[l]);
  for (const std::uint16_t s : sources) out.sources.push_back(sources_[s]);
  std::sort(out.langs.begin(), out.langs.end());
  std::sort(out.sources.begin(), out.sources.end());
  return out;
}

TemplateClusters TemplateClusterer::finish(std::size_t min_size) {
  min_size = std::max<std::size_t>(min_size, 1);
  TemplateClusters out;
  NearDuplicateClusters& c = out.clusters;
  c.exact_duplicates = index_.exact_duplicates();
  c.cluster_of.resize(posts_.size());
  // Numbered as cluster_near_duplicates does: a cluster is named by its smallest post, met first.
  std::vector<std::uint32_t> number(posts_.size(), TemplateClusters::kNone);
  for (std::uint32_t i = 0; i < posts_.size(); ++i) {
    const std::uint32_t root = index_.cluster_of(i);
    if (root == i) {
      number[i] = static_cast<std::uint32_t>(c.sizes.size());
      c.sizes.push_back(0);
    }
    c.cluster_of[i] = number[root];
    ++c.sizes[number[root]];
  }
  number = {};
  // Members of the large clusters only: a list per singleton would cost more than the posts themselves.
  out.summary_of_cluster.assign(c.sizes.size(), TemplateClusters::kNone);
  std::vector<std::vector<std::uint32_t>> members;
  for (std::size_t k = 0; k < c.sizes.size(); ++k) {
    if (c.sizes[k] < min_size) continue;
    out.summary_of_cluster[k] = static_cast<std::uint32_t>(members.size());
    members.emplace_back().reserve(c.sizes[k]);
  }
  for (std::uint32_t i = 0; i < posts_.size(); ++i) {
    const std::uint32_t s = out.summary_of_cluster[c.cluster_of[i]];
    if (s != TemplateClusters::kNone) members[s].push_back(i);
  }
  out.summaries.resize(members.size());
  tbb::parallel_for(std::size_t{0}, members.size(), [&](std::size_t s) {
    out.summaries[s] = summarize(c.cluster_of[members[s].front()], members[s]);
  });
  std::stable_sort(out.summaries.begin(), out.summaries.end(),
                   [](const TemplateCluster& a, const TemplateCluster& b) { return a.size > b.size; });
  for (std::size_t s = 0; s < out.summaries.size(); ++s)
    out.summary_of_cluster[out.summaries[s].cluster] = static_cast<std::uint32_t>(s);
  index_ = NearDuplicateIndex(hasher_.options());
  posts_ = {};
  return out;
}

// ---- links across languages ----------------------------------------------------------------------------

ClusterLinks link_clusters_across_languages(const std::vector<std::string>& langs,
                                            const std::vector<float>& embeddings, std::size_t dim,
                                            double threshold) {
  const std::size_t n = langs.size();
  if (embeddings.size() != n * dim) {
    throw Error(ErrorKind::kInvalidInput, "cluster links",
                std::to_string(embeddings.size()) + " embedding values for " + std::to_string(n) +
                    " clusters of dimension " + std::to_string(dim));
  }
  std::vector<float> unit(embeddings);
  for (std::size_t i = 0; i < n; ++i) {
    float* row = &unit[i * dim];
    double norm = 0;
    for (std::size_t d = 0; d < dim; ++d) norm += static_cast<double>(row[d]) * row[d];
    const double scale = norm > 0 ? 1.0 / std::sqrt(norm) : 0.0;
    for (std::size_t d = 0; d < dim; ++d) row[d] = static_cast<float>(row[d] * scale);
  }
  ClusterLinks out;
  out.linked.resize(n);
  out.best_cosine.assign(n, std::numeric_limits<double>::quiet_NaN());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 16), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        if (j == i || langs[i].empty() || langs[j].empty() || langs[i] == langs[j]) continue;
        double cosine = 0;
        for (std::size_t d = 0; d < dim; ++d)
          cosine += static_cast<double>(unit[i * dim + d]) * unit[j * dim + d];
        if (std::isnan(out.best_cosine[i]) || cosine > out.best_cosine[i]) out.best_cosine[i] = cosine;
        if (cosine >= threshold) out.linked[i].push_back(static_cast<std::uint32_t>(j));
      }
    }
  });
  detail::UnionFind families(static_cast<std::uint32_t>(n));
  for (std::uint32_t i = 0; i < n; ++i) {
    for (const std::uint32_t j : out.linked[i]) families.unite(i, j);
  }
  out.family.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) out.family[i] = families.smallest(i);
  return out;
}

}  // namespace sieve::datasets
