// Text helpers shared by the Markdown and HTML renderings of the evaluation report.

#include <cmath>
#include <cstdio>

#include "report_render.h"

namespace sieve::infer::report {

std::string format_number(double x, int decimals) {
  if (std::isnan(x)) return "\xE2\x80\x93";  // an en dash: the metric is undefined on this slice
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, x);
  return buffer;
}

}  // namespace sieve::infer::report
