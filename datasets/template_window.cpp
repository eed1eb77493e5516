#include "sieve/datasets/template_window.h"

#include <algorithm>

#include "sieve/core/error.h"
#include "sieve/core/hash.h"

namespace sieve::datasets {
namespace {

constexpr std::uint64_t kGroupSeed = 0x6750'0000'0000'0007ULL;

}  // namespace

void TemplateWindowOptions::validate() const {
  if (window_seconds < 2) {
    throw Error(ErrorKind::kConfig, "template_window.window_seconds",
                "must be at least 2 seconds, got " + std::to_string(window_seconds));
  }
  if (max_posts < 2) {
    throw Error(ErrorKind::kConfig, "template_window.max_posts",
                "must be at least 2, got " + std::to_string(max_posts));
  }
  near_duplicates.validate();
}

// One period of the window: its index and, per item, the template and the group of the post.
struct TemplateWindow::Period {
  explicit Period(const NearDuplicateOptions& options) : index(options) {}
  NearDuplicateIndex index;
  std::vector<std::uint64_t> template_of;
  std::vector<std::uint64_t> group_of;
};

TemplateWindow::TemplateWindow(TemplateWindowOptions options)
    : options_((options.validate(), std::move(options))),
      hasher_(options_.near_duplicates),
      period_seconds_(options_.window_seconds / 2),
      current_(std::make_unique<Period>(options_.near_duplicates)) {}

TemplateWindow::~TemplateWindow() = default;
TemplateWindow::TemplateWindow(TemplateWindow&&) noexcept = default;
TemplateWindow& TemplateWindow::operator=(TemplateWindow&&) noexcept = default;

void TemplateWindow::forget(Period& period) {
  for (std::size_t i = 0; i < period.template_of.size(); ++i) {
    const auto t = templates_.find(period.template_of[i]);
    if (t == templates_.end()) continue;  // cannot happen: every held post has its template
    const auto g = t->second.groups.find(period.group_of[i]);
    if (g != t->second.groups.end() && --g->second == 0) t->second.groups.erase(g);
    if (--t->second.count == 0) templates_.erase(t);
  }
}

void TemplateWindow::rotate(std::int64_t start) {
  if (previous_) forget(*previous_);
  previous_ = std::move(current_);
  current_ = std::make_unique<Period>(options_.near_duplicates);
  current_start_ = start;
  ++rotations_;
}

void TemplateWindow::advance(std::int64_t time) {
  if (!started_) {
    started_ = true;
    current_start_ = time;
  }
  if (time >= current_start_ + 2 * period_seconds_) {
    rotate(time);  // both periods are over: the previous one goes now, the current one just below
    rotate(time);
  } else if (time >= current_start_ + period_seconds_) {
    rotate(current_start_ + period_seconds_);
  }
  if (current_->template_of.size() >= options_.max_posts / 2) {
    rotate(std::max(time, current_start_));
    ++early_rotations_;
  }
}

TemplateObservation TemplateWindow::observe(std::string_view text, std::string_view group,
                                            std::int64_t time) {
  return observe(hasher_.sign(text), group, time);
}

TemplateObservation TemplateWindow::observe(const Signature& signature, std::string_view group,
                                            std::int64_t time) {
  advance(time);
  TemplateObservation out;
  out.template_id = signature.text_hash;
  if (!signature.clusterable) return out;
  // The template of the best earlier copy: the current period first, as it holds the template's latest
  // posts; a template that started in the previous period keeps its id.
  if (const auto match = current_->index.find_match(signature)) {
    out.template_id = current_->template_of[match->item];
  } else if (previous_) {
    if (const auto earlier = previous_->index.find_match(signature))
      out.template_id = previous_->template_of[earlier->item];
  }
  const std::uint64_t group_hash = hash64(group, kGroupSeed);
  current_->index.add(signature);
  current_->template_of.push_back(out.template_id);
  current_->group_of.push_back(group_hash);
  Template& t = templates_[out.template_id];
  ++t.count;
  ++t.groups[group_hash];
  out.count = t.count;
  out.accounts = t.groups.size();
  return out;
}

std::vector<TemplateWindowEntry> TemplateWindow::largest(std::size_t top) const {
  std::vector<TemplateWindowEntry> out;
  out.reserve(templates_.size());
  for (const auto& [id, t] : templates_) out.push_back({id, t.count, t.groups.size()});
  const auto larger = [](const TemplateWindowEntry& a, const TemplateWindowEntry& b) {
    return a.count != b.count ? a.count > b.count : a.template_id < b.template_id;
  };
  top = std::min(top, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(top), out.end(), larger);
  out.resize(top);
  return out;
}

std::size_t TemplateWindow::posts() const {
  return current_->template_of.size() + (previous_ ? previous_->template_of.size() : 0);
}
std::size_t TemplateWindow::templates() const { return templates_.size(); }
std::size_t TemplateWindow::rotations() const { return rotations_; }
std::size_t TemplateWindow::early_rotations() const { return early_rotations_; }

}  // namespace sieve::datasets
