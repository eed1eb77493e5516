#include "sieve/analysis/adaptation_checks.h"

#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>

#include "sieve/core/metrics.h"
#include "sieve/network/network.h"

namespace sieve::analysis {

std::vector<std::vector<double>> head_probabilities(const infer::Model& model,
                                                    const datasets::LabelSchema& schema,
                                                    const std::vector<datasets::Record>& records,
                                                    int threads) {
  std::vector<std::string_view> texts;
  for (const datasets::Record& r : records) texts.push_back(r.text);
  std::vector<float> out(texts.size() * model.output_count());
  tbb::task_arena arena(threads > 0 ? threads : tbb::info::default_concurrency());
  arena.execute([&] { model.score_batch(texts, out.data()); });
  std::vector<std::vector<double>> probabilities(records.size(),
                                                 std::vector<double>(schema.heads.size(), std::nan("")));
  for (std::size_t h = 0; h < schema.heads.size(); ++h) {
    for (std::size_t k = 0; k < model.heads().size(); ++k) {
      if (model.heads()[k].name != schema.heads[h].name || !model.heads()[k].binary) continue;
      const std::size_t offset = model.output_offset(k);
      for (std::size_t i = 0; i < records.size(); ++i) {
        probabilities[i][h] = out[i * model.output_count() + offset];
      }
    }
  }
  return probabilities;
}

std::map<std::string, double> check_roc_aucs(const infer::Model& model, const datasets::LabelSchema& schema,
                                             const datasets::ReplayCheckPosts& check) {
  std::vector<float> logits(check.size() * model.output_count());
  infer::NetworkWorkspace workspace;
  for (std::size_t i = 0; i < check.size(); ++i) {
    const infer::PostIds post{
        check.ids.data() + check.offsets[i], check.offsets[i + 1] - check.offsets[i], check.subword_counts[i],
        check.dense_width ? check.dense.data() + i * check.dense_width : nullptr, check.dense_width};
    model.network().forward(post, workspace, logits.data() + i * model.output_count());
  }
  const auto enough = [](const std::vector<metrics::Scored>& scored) {
    const auto positives = static_cast<std::size_t>(
        std::count_if(scored.begin(), scored.end(), [](const metrics::Scored& s) { return s.positive; }));
    return positives >= kCheckMinPerClass && scored.size() - positives >= kCheckMinPerClass;
  };
  std::map<std::string, double> aucs;
  for (std::size_t h = 0; h < schema.heads.size(); ++h) {
    if (!schema.heads[h].binary()) continue;
    for (std::size_t k = 0; k < model.heads().size(); ++k) {
      if (model.heads()[k].name != schema.heads[h].name) continue;
      std::map<std::string, std::vector<metrics::Scored>> by_source;
      std::vector<metrics::Scored> all;
      for (std::size_t i = 0; i < check.size(); ++i) {
        const std::int8_t label = check.labels[i * schema.heads.size() + h];
        if (label < 0) continue;
        const metrics::Scored scored{logits[i * model.output_count() + model.output_offset(k)], label == 1};
        by_source[check.sources[i]].push_back(scored);
        all.push_back(scored);
      }
      double sum = 0;
      std::size_t cells = 0;
      for (const auto& [source, scored] : by_source) {
        if (!enough(scored)) continue;
        sum += metrics::roc_auc(scored);
        ++cells;
      }
      if (cells > 0) {
        aucs[schema.heads[h].name] = sum / static_cast<double>(cells);
      } else if (enough(all)) {
        aucs[schema.heads[h].name] = metrics::roc_auc(all);
      }
    }
  }
  return aucs;
}

double largest_drop(const std::map<std::string, double>& base, const std::map<std::string, double>& after,
                    std::string& head) {
  double worst = 0;
  for (const auto& [name, auc] : base) {
    const auto it = after.find(name);
    if (it != after.end() && auc - it->second > worst) {
      worst = auc - it->second;
      head = name;
    }
  }
  return worst;
}

}  // namespace sieve::analysis
