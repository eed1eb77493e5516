#include "template_window_options.h"

#include <cstdio>

#include "sieve/core/error.h"
#include "validators.h"

namespace sieve::cli {

void add_template_window_options(CLI::App& command, TemplateWindowCliOptions& options) {
  command.add_option("--template-window", options.window,
                     "count near-copies of each post seen in this window (e.g. 24h, 90m, 2d): adds "
                     "template_id, template_count and template_accounts");
  command
      .add_option("--template-max-posts", options.max_posts,
                  "posts the template window holds at most, about 1.2 KB each (default 200000)")
      ->check(kNotNegative);
  command.add_option("--template-threshold", options.threshold,
                     "near-duplicate Jaccard threshold of the template window (default 0.7)");
}

std::int64_t parse_duration(const std::string& text, const std::string& option) {
  const auto fail = [&] {
    throw Error(ErrorKind::kConfig, option,
                "'" + text + "' is not a duration: a positive whole number and s, m, h or d, e.g. 24h");
  };
  if (text.size() < 2) fail();
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      fail();
  }
  std::int64_t value = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || value > 1'000'000'000) fail();
    value = value * 10 + (text[i] - '0');
  }
  if (value <= 0) fail();
  return value * unit;
}

std::unique_ptr<datasets::TemplateWindow> make_template_window(const TemplateWindowCliOptions& options) {
  if (options.window.empty()) return nullptr;
  datasets::TemplateWindowOptions window;
  window.window_seconds = parse_duration(options.window, "--template-window");
  window.max_posts = options.max_posts;
  window.near_duplicates.threshold = options.threshold;
  return std::make_unique<datasets::TemplateWindow>(window);
}

void append_template_fields(const datasets::TemplateObservation& observation, std::string& out) {
  char id[17];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(observation.template_id));
  out += ",\"template_id\":\"";
  out += id;
  out += "\",\"template_count\":" + std::to_string(observation.count);
  out += ",\"template_accounts\":" + std::to_string(observation.accounts);
}

}  // namespace sieve::cli
