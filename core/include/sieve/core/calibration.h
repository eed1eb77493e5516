#pragma once
// Temperature scaling: one number per head that divides its logits so that its probabilities match how
// often it is right, fitted on held-out data (Guo et al., "On Calibration of Modern Neural Networks").
// The ranking, and so ROC-AUC and PR-AUC, does not change; the calibration error does.

#include <cstdint>
#include <vector>

namespace sieve::metrics {

// The logits of one head over labelled posts: row i holds `classes` logits (1 for a binary head, whose
// logit scores label 1) and its label, a class index.
struct HeadLogits {
  int classes = 1;
  std::vector<float> logits;        // rows × classes
  std::vector<std::int8_t> labels;  // rows; 0/1 for a binary head

  std::size_t rows() const { return labels.size(); }
};

// Mean negative log-likelihood of the labels under softmax(logits / t) (sigmoid for a binary head).
double negative_log_likelihood(const HeadLogits& head, double temperature);

// The range a temperature is searched in.
constexpr double kMinTemperature = 0.05;
constexpr double kMaxTemperature = 20;

struct TemperatureFit {
  double temperature = 1;
  double nll_before = 0;  // at temperature 1
  double nll_after = 0;
  // The least NLL lies at an end of the range, not inside it: at kMinTemperature when the head separates
  // the posts perfectly (the loss falls for ever as its logits are scaled up), at kMaxTemperature when it
  // ranks them no better than chance. Such a temperature is an artefact of the range, not a calibration.
  bool at_bound = false;
};

// The temperature in [kMinTemperature, kMaxTemperature] of least mean NLL (the NLL is convex in 1/t;
// golden-section search to 1e-6 relative). Returns temperature 1 when there are no rows.
TemperatureFit fit_temperature(const HeadLogits& head);

}  // namespace sieve::metrics
