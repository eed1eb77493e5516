#pragma once
// The command-line switches of the rolling template window, shared by `sieve score` and `sieve serve`,
// and the fields it adds to a scored post.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "sieve/datasets/template_window.h"
#include "sieve/serve/post_annotator.h"

namespace sieve::cli {

struct TemplateWindowCliOptions {
  std::string window;  // "24h", "90m", "3600s", "2d"; "" for no window
  std::size_t max_posts = datasets::TemplateWindowOptions().max_posts;
  double threshold = datasets::NearDuplicateOptions().threshold;
  std::size_t metrics_top = 10;  // sieve serve: templates shown in /metrics
};

void add_template_window_options(CLI::App& command, TemplateWindowCliOptions& options);

// "Ns", "Nm", "Nh" or "Nd" (N a positive integer) in seconds; Error(kConfig, option) otherwise.
std::int64_t parse_duration(const std::string& text, const std::string& option);

// The window the options describe, or nullptr when --template-window is not given.
std::unique_ptr<datasets::TemplateWindow> make_template_window(const TemplateWindowCliOptions& options);

// The window as `sieve serve` uses it: fields per post and the largest templates in /metrics; nullptr
// when --template-window is not given. Signs posts on the calling thread, observes them under a lock.
std::shared_ptr<infer::PostAnnotator> make_template_annotator(const TemplateWindowCliOptions& options);

// Appends ,"template_id":"<16 hex digits>","template_count":n,"template_accounts":m to a JSON object
// being written by hand (the caller closes it).
void append_template_fields(const datasets::TemplateObservation& observation, std::string& out);

}  // namespace sieve::cli
