#include "template_window_options.h"

#include <cstdio>
#include <ctime>
#include <mutex>

#include "flag_names.h"
#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
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
  validate_as_flags(window, {{"template_window.max_posts", "--template-max-posts"},
                             {"near_duplicates.threshold", "--template-threshold"}});
  return std::make_unique<datasets::TemplateWindow>(window);
}

namespace {

std::string hex_id(std::uint64_t id) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(id));
  return text;
}

class TemplateAnnotator : public infer::PostAnnotator {
 public:
  TemplateAnnotator(std::unique_ptr<datasets::TemplateWindow> window, std::size_t top)
      : window_(std::move(window)), top_(top) {}

  void annotate(const infer::ScorePost& post, JsonWriter& w) override {
    const datasets::Signature signature = window_->hasher().sign(post.text);  // const: outside the lock
    const std::int64_t time = post.time != 0 ? post.time : static_cast<std::int64_t>(std::time(nullptr));
    datasets::TemplateObservation o;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      o = window_->observe(signature, post.group.empty() ? post.id_json : post.group, time);
    }
    w.key("template_id").value(hex_id(o.template_id));
    w.key("template_count").value(static_cast<std::uint64_t>(o.count));
    w.key("template_accounts").value(static_cast<std::uint64_t>(o.accounts));
  }

  void render_metrics(std::string& out) const override {
    std::vector<datasets::TemplateWindowEntry> top;
    std::size_t held = 0, early = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      top = window_->largest(top_);
      held = window_->posts();
      early = window_->early_rotations();
    }
    out += "# HELP sieve_template_posts Posts in the template window of each of its largest templates.\n";
    out += "# TYPE sieve_template_posts gauge\n";
    for (const auto& t : top)
      out += "sieve_template_posts{template=\"" + hex_id(t.template_id) + "\"} " + std::to_string(t.count) +
             "\n";
    out +=
        "# HELP sieve_template_accounts Distinct accounts of each of the largest templates in the window.\n";
    out += "# TYPE sieve_template_accounts gauge\n";
    for (const auto& t : top) {
      out += "sieve_template_accounts{template=\"" + hex_id(t.template_id) + "\"} " +
             std::to_string(t.accounts) + "\n";
    }
    out += "# HELP sieve_template_window_posts Posts the template window holds.\n";
    out += "# TYPE sieve_template_window_posts gauge\n";
    out += "sieve_template_window_posts " + std::to_string(held) + "\n";
    out +=
        "# HELP sieve_template_window_early_rotations_total Window periods ended early because they were "
        "full.\n";
    out += "# TYPE sieve_template_window_early_rotations_total counter\n";
    out += "sieve_template_window_early_rotations_total " + std::to_string(early) + "\n";
  }

 private:
  mutable std::mutex mutex_;
  std::unique_ptr<datasets::TemplateWindow> window_;
  std::size_t top_;
};

}  // namespace

std::shared_ptr<infer::PostAnnotator> make_template_annotator(const TemplateWindowCliOptions& options) {
  auto window = make_template_window(options);
  if (!window) return nullptr;
  return std::make_shared<TemplateAnnotator>(std::move(window), options.metrics_top);
}

void append_template_fields(const datasets::TemplateObservation& observation, std::string& out) {
  out += ",\"template_id\":\"";
  out += hex_id(observation.template_id);
  out += "\",\"template_count\":" + std::to_string(observation.count);
  out += ",\"template_accounts\":" + std::to_string(observation.accounts);
}

}  // namespace sieve::cli
