#include "sieve/core/calibration.h"

#include <algorithm>
#include <cmath>

namespace sieve::metrics {
namespace {

// log(1 + e^x) without overflow.
double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

double mean_nll_at_inverse(const HeadLogits& head, double inverse) {
  if (head.rows() == 0) return 0;
  double total = 0;
  for (std::size_t i = 0; i < head.rows(); ++i) {
    const float* z = &head.logits[i * static_cast<std::size_t>(head.classes)];
    const int y = head.labels[i];
    if (head.classes == 1) {
      const double x = z[0] * inverse;
      total += y == 1 ? softplus(-x) : softplus(x);
      continue;
    }
    const double top = *std::max_element(z, z + head.classes) * inverse;
    double sum = 0;
    for (int c = 0; c < head.classes; ++c) sum += std::exp(z[c] * inverse - top);
    total += top + std::log(sum) - z[y] * inverse;
  }
  return total / static_cast<double>(head.rows());
}

}  // namespace

double negative_log_likelihood(const HeadLogits& head, double temperature) {
  return mean_nll_at_inverse(head, 1.0 / temperature);
}

TemperatureFit fit_temperature(const HeadLogits& head) {
  TemperatureFit fit;
  fit.nll_before = fit.nll_after = negative_log_likelihood(head, 1.0);
  if (head.rows() == 0) return fit;
  // Golden-section search on the inverse temperature, where the NLL is convex.
  constexpr double kRatio = 0.6180339887498949;
  double low = 1.0 / kMaxTemperature, high = 1.0 / kMinTemperature;
  double a = high - kRatio * (high - low), b = low + kRatio * (high - low);
  double fa = mean_nll_at_inverse(head, a), fb = mean_nll_at_inverse(head, b);
  while (high - low > 1e-6 * high) {
    if (fa < fb) {
      high = b, b = a, fb = fa;
      a = high - kRatio * (high - low);
      fa = mean_nll_at_inverse(head, a);
    } else {
      low = a, a = b, fa = fb;
      b = low + kRatio * (high - low);
      fb = mean_nll_at_inverse(head, b);
    }
  }
  const double inverse = (low + high) / 2;
  const double nll = mean_nll_at_inverse(head, inverse);
  if (nll < fit.nll_before) {
    fit.temperature = 1.0 / inverse;
    fit.nll_after = nll;
    fit.at_bound = inverse < (1 + 1e-4) / kMaxTemperature || inverse > (1 - 1e-4) / kMinTemperature;
  }
  return fit;
}

}  // namespace sieve::metrics
