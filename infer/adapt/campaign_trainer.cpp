#include "sieve/adapt/campaign_trainer.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "sieve/core/error.h"
#include "sieve/core/hash.h"

namespace sieve::adapt {
namespace {

// One logistic regression: sparse feature entries per post (CSR), standardised dense values, a weight per
// post summing to 1.
struct LogisticProblem {
  std::vector<std::size_t> row_begin{0};
  std::vector<std::uint32_t> columns;  // into the problem's own column list
  std::vector<float> values;
  std::vector<float> dense;  // posts × dense_width, already standardised and scaled
  std::size_t dense_width = 0;
  std::vector<float> targets, weights;
  std::size_t column_count = 0;
  std::size_t size() const { return targets.size(); }
};

struct LogisticFit {
  std::vector<float> columns, dense;
  float bias = 0;

  float logit(const LogisticProblem& p, std::size_t i) const {
    float z = bias;
    for (std::size_t e = p.row_begin[i]; e < p.row_begin[i + 1]; ++e)
      z += columns[p.columns[e]] * p.values[e];
    const float* x = p.dense.data() + i * p.dense_width;
    for (std::size_t j = 0; j < p.dense_width; ++j) z += dense[j] * x[j];
    return z;
  }
};

// The largest curvature of the weighted logistic loss is at most a quarter of the largest squared norm of
// a post's inputs (the weights sum to 1); a step of its inverse never overshoots.
double safe_step(const LogisticProblem& p) {
  double largest = 1;  // the bias
  for (std::size_t i = 0; i < p.size(); ++i) {
    double squares = 1;
    for (std::size_t e = p.row_begin[i]; e < p.row_begin[i + 1]; ++e) squares += p.values[e] * p.values[e];
    const float* x = p.dense.data() + i * p.dense_width;
    for (std::size_t j = 0; j < p.dense_width; ++j) squares += x[j] * x[j];
    largest = std::max(largest, squares);
  }
  return 4 / largest;
}

// Gradient descent with Nesterov momentum at the safe step, from zero weights: deterministic.
LogisticFit fit(const LogisticProblem& p, const CampaignTrainingSettings& s) {
  LogisticFit f, ahead;
  f.columns.assign(p.column_count, 0.0f);
  f.dense.assign(p.dense_width, 0.0f);
  LogisticFit velocity = f;
  std::vector<double> grad_columns(p.column_count), grad_dense(p.dense_width);
  const auto lr = static_cast<float>(std::min(s.learning_rate, safe_step(p)));
  const auto l2 = static_cast<float>(s.l2);
  const auto momentum = static_cast<float>(s.momentum);
  for (std::size_t step = 0; step < s.iterations; ++step) {
    ahead = f;  // the gradient is taken where the momentum is about to carry the weights
    for (std::size_t c = 0; c < p.column_count; ++c) ahead.columns[c] += momentum * velocity.columns[c];
    for (std::size_t j = 0; j < p.dense_width; ++j) ahead.dense[j] += momentum * velocity.dense[j];
    ahead.bias += momentum * velocity.bias;
    std::fill(grad_columns.begin(), grad_columns.end(), 0.0);
    std::fill(grad_dense.begin(), grad_dense.end(), 0.0);
    double grad_bias = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (p.weights[i] == 0) continue;
      const double g =
          p.weights[i] * (1.0 / (1.0 + std::exp(-static_cast<double>(ahead.logit(p, i)))) - p.targets[i]);
      for (std::size_t e = p.row_begin[i]; e < p.row_begin[i + 1]; ++e) {
        grad_columns[p.columns[e]] += g * p.values[e];
      }
      const float* x = p.dense.data() + i * p.dense_width;
      for (std::size_t j = 0; j < p.dense_width; ++j) grad_dense[j] += g * x[j];
      grad_bias += g;
    }
    const auto move = [&](float& v, float& w, float ahead_w, double grad, float decay) {
      v = momentum * v - lr * (static_cast<float>(grad) + decay * ahead_w);
      w += v;
    };
    for (std::size_t c = 0; c < p.column_count; ++c) {
      move(velocity.columns[c], f.columns[c], ahead.columns[c], grad_columns[c], l2);
    }
    for (std::size_t j = 0; j < p.dense_width; ++j)
      move(velocity.dense[j], f.dense[j], ahead.dense[j], grad_dense[j], l2);
    move(velocity.bias, f.bias, ahead.bias, grad_bias, 0);
  }
  return f;
}

// A gate logit that is open (gate 1) for any post, and the logit the campaign's median post gets.
constexpr float kAlwaysOpen = 30.0f;
// The background's quantile of the gate logit at and below which a post keeps the base head's logit.
constexpr double kClosedQuantile = 0.5;

float quantile_of(std::vector<float> values, double q) {
  if (values.empty()) return 0;
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

// The distinct feature ids of some posts, sorted: column c of a problem is feature row ids[c].
std::vector<std::uint32_t> distinct_ids(const std::vector<const CampaignPosts*>& sets) {
  std::vector<std::uint32_t> ids;
  for (const CampaignPosts* set : sets) ids.insert(ids.end(), set->ids.begin(), set->ids.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// Appends the posts of set to p, each block's entries worth campaign_block_weight of its id count,
// targets from the labels, each post weighing weight_each.
void add_posts(const CampaignPosts& set, const std::vector<std::uint32_t>& columns,
               const infer::CampaignModel& model, double weight_each, LogisticProblem& p,
               float dense_multiplier = 1) {
  for (std::size_t i = 0; i < set.size(); ++i) {
    const std::uint32_t* ids = set.ids.data() + set.offsets[i];
    std::size_t from = 0;
    for (const std::size_t to : set.post(i).block_ends()) {
      const float value = infer::campaign_block_weight(to - from);
      for (std::size_t k = from; k < to; ++k) {
        const auto at = std::lower_bound(columns.begin(), columns.end(), ids[k]);
        if (at == columns.end() || *at != ids[k]) continue;
        p.columns.push_back(static_cast<std::uint32_t>(at - columns.begin()));
        p.values.push_back(value);
      }
      from = to;
    }
    p.row_begin.push_back(p.columns.size());
    for (std::size_t j = 0; j < p.dense_width; ++j) {
      p.dense.push_back((set.dense[i * set.dense_width + j] - model.dense_mean()[j]) *
                        model.dense_scale()[j] * dense_multiplier);
    }
    p.targets.push_back(static_cast<float>(set.labels[i]));
    p.weights.push_back(static_cast<float>(weight_each));
  }
}

// Mean and dense_factor / standard deviation of each dense value over the posts of both sets.
void standardise(const CampaignPosts& a, const CampaignPosts& b, double factor, infer::CampaignModel& model) {
  const std::size_t width = model.dense_width();
  const auto n = static_cast<double>(a.size() + b.size());
  for (std::size_t j = 0; j < width; ++j) {
    double sum = 0, squares = 0;
    for (const CampaignPosts* set : {&a, &b}) {
      for (std::size_t i = 0; i < set->size(); ++i) {
        const double x = set->dense[i * width + j];
        sum += x;
        squares += x * x;
      }
    }
    const double mean = sum / n;
    const double sd = std::sqrt(std::max(0.0, squares / n - mean * mean));
    model.dense_mean()[j] = static_cast<float>(mean);
    model.dense_scale()[j] = sd > 1e-6 ? static_cast<float>(factor / sd) : 0.0f;
  }
}

// Each labelled post's campaign logit (the problem's first groups.size() posts) from a model learned
// without its fold of groups; the posts after them (background) are learned in every fold.
std::vector<float> cross_fitted_logits(const LogisticProblem& problem,
                                       const std::vector<std::uint64_t>& groups,
                                       const CampaignTrainingSettings& settings) {
  std::vector<float> logits(groups.size());
  for (std::size_t fold = 0; fold < settings.folds; ++fold) {
    LogisticProblem without = problem;
    double kept = 0;
    std::vector<bool> held(problem.size());
    for (std::size_t i = 0; i < problem.size(); ++i) {
      held[i] = i < groups.size() && hash64(&groups[i], sizeof groups[i], 0) % settings.folds == fold;
      if (held[i]) without.weights[i] = 0;
      kept += without.weights[i];
    }
    if (kept == 0) continue;
    for (float& w : without.weights) w = static_cast<float>(w / kept);
    const LogisticFit f = fit(without, settings);
    for (std::size_t i = 0; i < groups.size(); ++i) {
      if (held[i]) logits[i] = f.logit(problem, i);
    }
  }
  return logits;
}

// The stacking weights (base logit, campaign logit) and bias: a logistic regression on the two,
// standardised for the descent and mapped back.
void stack(const std::vector<float>& base_logits, const std::vector<float>& campaign_logits,
           const LogisticProblem& problem, const CampaignTrainingSettings& settings, float& base_weight,
           float& campaign_weight, float& bias) {
  LogisticProblem p;
  p.dense_width = 2;
  const std::vector<float>* inputs[2] = {&base_logits, &campaign_logits};
  double mean[2], sd[2];
  for (int k = 0; k < 2; ++k) {
    double sum = 0, squares = 0;
    for (std::size_t i = 0; i < problem.size(); ++i) {
      const double x = (*inputs[k])[i];
      sum += problem.weights[i] * x;
      squares += problem.weights[i] * x * x;
    }
    mean[k] = sum;
    sd[k] = std::sqrt(std::max(1e-12, squares - mean[k] * mean[k]));
  }
  for (std::size_t i = 0; i < problem.size(); ++i) {
    for (int k = 0; k < 2; ++k) p.dense.push_back(static_cast<float>(((*inputs[k])[i] - mean[k]) / sd[k]));
  }
  p.targets = problem.targets;
  p.weights = problem.weights;
  p.row_begin.assign(problem.size() + 1, 0);
  const LogisticFit f = fit(p, settings);
  base_weight = static_cast<float>(f.dense[0] / sd[0]);
  campaign_weight = static_cast<float>(f.dense[1] / sd[1]);
  bias = static_cast<float>(f.bias - f.dense[0] * mean[0] / sd[0] - f.dense[1] * mean[1] / sd[1]);
}

// The score part: a regression on the labelled posts and, with background_weight of the total, the
// background posts under their own labels of the head (none: 0), so ordinary traffic stays below the
// campaign; stacked with the base logit on the labelled posts alone (how far the campaign's own posts are
// ranked by the base head and by the campaign logit).
void learn_score(const CampaignPosts& labelled, const CampaignPosts& background,
                 const CampaignTrainingSettings& settings, infer::CampaignModel& model) {
  const double background_weight = background.size() > 0 ? settings.background_weight : 0.0;
  LogisticProblem score;
  const std::vector<std::uint32_t> score_columns = distinct_ids({&labelled, &background});
  score.column_count = score_columns.size();
  score.dense_width = labelled.dense_width;
  add_posts(labelled, score_columns, model, (1 - background_weight) / static_cast<double>(labelled.size()),
            score);
  if (background_weight > 0) {
    add_posts(background, score_columns, model, background_weight / static_cast<double>(background.size()),
              score);
  }
  LogisticProblem labelled_only;
  labelled_only.targets.assign(score.targets.begin(),
                               score.targets.begin() + static_cast<std::ptrdiff_t>(labelled.size()));
  labelled_only.weights.assign(labelled.size(), 1.0f / static_cast<float>(labelled.size()));
  float campaign_weight = 0;
  stack(labelled.base_logits, cross_fitted_logits(score, labelled.groups, settings), labelled_only, settings,
        model.base_weight, campaign_weight, model.score_bias);
  const LogisticFit whole = fit(score, settings);
  for (std::size_t c = 0; c < score_columns.size(); ++c) {
    model.score_rows()[score_columns[c]] = campaign_weight * whole.columns[c];
  }
  for (std::size_t j = 0; j < whole.dense.size(); ++j)
    model.score_dense()[j] = campaign_weight * whole.dense[j];
  model.score_bias += campaign_weight * whole.bias;
}

// Each source of the background weighs the same, so the gate learns to tell the campaign from every kind
// of post the base model knows, not only from the most common ones.
void weigh_sources_alike(const CampaignPosts& background, std::size_t first, LogisticProblem& gate) {
  if (background.sources.empty()) return;
  std::vector<std::size_t> per_source;
  for (const std::uint32_t source : background.sources) {
    if (source >= per_source.size()) per_source.resize(source + 1);
    ++per_source[source];
  }
  const auto present = static_cast<double>(
      std::count_if(per_source.begin(), per_source.end(), [](std::size_t n) { return n > 0; }));
  for (std::size_t i = 0; i < background.size(); ++i) {
    gate.weights[first + i] =
        static_cast<float>(0.5 / (present * static_cast<double>(per_source[background.sources[i]])));
  }
}

// The gate as learned (labelled posts against the background), and its logit on each of them.
void learn_gate(const CampaignPosts& labelled, const CampaignPosts& background, std::size_t positives,
                const CampaignTrainingSettings& settings, TrainedCampaign& trained) {
  infer::CampaignModel& model = trained.model;
  LogisticProblem gate;
  const std::vector<std::uint32_t> gate_columns = distinct_ids({&labelled, &background});
  gate.column_count = gate_columns.size();
  gate.dense_width = labelled.dense_width;
  // Dense values (what kind of text a post is) enter the gate at full scale; the score part scales them
  // by dense_factor beside its feature blocks.
  const float gate_dense = settings.dense_factor == 0 ? 1.0f : static_cast<float>(1 / settings.dense_factor);
  add_posts(labelled, gate_columns, model, 0, gate, gate_dense);
  // Each class of the labelled posts weighs a quarter, so the gate learns the campaign's stream rather
  // than its positives.
  for (std::size_t i = 0; i < labelled.size(); ++i) {
    const std::size_t in_class = labelled.labels[i] == 1 ? positives : labelled.size() - positives;
    gate.weights[i] = static_cast<float>(0.25 / static_cast<double>(in_class));
  }
  std::fill(gate.targets.begin(), gate.targets.end(), 1.0f);
  add_posts(background, gate_columns, model, 0.5 / static_cast<double>(background.size()), gate, gate_dense);
  weigh_sources_alike(background, labelled.size(), gate);
  std::fill(gate.targets.begin() + static_cast<std::ptrdiff_t>(labelled.size()), gate.targets.end(), 0.0f);
  const LogisticFit gate_fit = fit(gate, settings);
  for (std::size_t c = 0; c < gate_columns.size(); ++c)
    model.gate_rows()[gate_columns[c]] = gate_fit.columns[c];
  model.gate_dense() = gate_fit.dense;
  for (float& w : model.gate_dense()) w *= gate_dense;
  model.gate_bias = gate_fit.bias;
  for (std::size_t i = 0; i < gate.size(); ++i) {
    if (gate.weights[i] == 0) continue;
    (i < labelled.size() ? trained.gate.labelled_logits : trained.gate.background_logits)
        .push_back(gate_fit.logit(gate, i));
  }
}

}  // namespace

infer::CampaignPost CampaignPosts::post(std::size_t i) const {
  return {ids.data() + offsets[i], offsets[i + 1] - offsets[i], subword_counts[i], bigram_counts[i],
          dense_width > 0 ? dense.data() + i * dense_width : nullptr};
}

void CampaignPosts::add(const std::uint32_t* post_ids, std::size_t count, std::uint32_t subwords,
                        std::uint32_t bigrams, const float* post_dense, float base_logit, std::int8_t label,
                        std::uint64_t group) {
  ids.insert(ids.end(), post_ids, post_ids + count);
  offsets.push_back(ids.size());
  subword_counts.push_back(subwords);
  bigram_counts.push_back(bigrams);
  if (dense_width > 0) dense.insert(dense.end(), post_dense, post_dense + dense_width);
  base_logits.push_back(base_logit);
  labels.push_back(label);
  groups.push_back(group);
}

void CampaignTrainingSettings::validate() const {
  if (!(l2 >= 0) || iterations == 0 || !(learning_rate > 0) || !(momentum >= 0 && momentum < 1) ||
      !(dense_factor >= 0) || folds < 2) {
    throw Error(ErrorKind::kConfig, "campaign training",
                "l2 and dense_factor >= 0, iterations and learning rate > 0, momentum in [0, 1), folds >= 2");
  }
}

TrainedCampaign train_campaign(infer::CampaignInfo info, const CampaignPosts& labelled,
                               const CampaignPosts& background, std::size_t table_size,
                               const CampaignTrainingSettings& settings) {
  settings.validate();
  const auto positives =
      static_cast<std::size_t>(std::count(labelled.labels.begin(), labelled.labels.end(), 1));
  if (positives == 0 || positives == labelled.size()) {
    throw Error(ErrorKind::kInvalidInput, info.name, "a campaign model needs labelled posts of both classes");
  }
  info.posts = labelled.size();
  info.positives = positives;
  info.background = background.size();
  TrainedCampaign trained{infer::CampaignModel(std::move(info), table_size, labelled.dense_width), {}};
  standardise(labelled, background, settings.dense_factor, trained.model);
  learn_score(labelled, background, settings, trained.model);
  if (background.size() == 0) {
    // No other traffic to tell apart: the campaign decides every post.
    trained.model = with_fixed_gate(trained.model, true);
  } else {
    learn_gate(labelled, background, positives, settings, trained);
  }
  return trained;
}

std::optional<infer::CampaignModel> with_gate_opened(const TrainedCampaign& trained, double quantile) {
  infer::CampaignModel model = trained.model;
  const GateFit& gate = trained.gate;
  if (gate.labelled_logits.empty()) return model;  // no background: the gate is open for every post
  const float open = quantile_of(gate.labelled_logits, quantile);
  const float closed = quantile_of(gate.background_logits, kClosedQuantile);
  if (!(open > closed)) return std::nullopt;
  // open maps to +1 (the campaign alone), closed to -1 (the base head alone).
  const float scale = 2 / (open - closed), middle = (open + closed) / 2;
  for (float& w : model.gate_rows()) w *= scale;
  for (float& w : model.gate_dense()) w *= scale;
  model.gate_bias = scale * (model.gate_bias - middle);
  return model;
}

infer::CampaignModel with_fixed_gate(const infer::CampaignModel& model, bool open) {
  infer::CampaignModel fixed = model;
  std::fill(fixed.gate_rows().begin(), fixed.gate_rows().end(), 0.0f);
  std::fill(fixed.gate_dense().begin(), fixed.gate_dense().end(), 0.0f);
  fixed.gate_bias = open ? kAlwaysOpen : -kAlwaysOpen;
  return fixed;
}

}  // namespace sieve::adapt
