#pragma once
// Campaign templates in a live stream: how many near-copies of a post, from how many accounts, were seen
// in the last hours. Two NearDuplicateIndex periods, the current and the previous one, each half the
// window long; when the current period is over (or full) the previous one is dropped whole and the
// current one becomes the previous. So a post counts for at least half the window and never for longer
// than the window, and memory never exceeds max_posts posts, whatever the rate of the stream.
//
//   TemplateWindow window({.window_seconds = 86400});
//   TemplateObservation o = window.observe(post.text, post.group, post.time);
//   // o.template_id, o.count (this post included), o.accounts
//
// Not thread-safe: one thread observes (the in-order stage of a scoring pipeline), or callers hold a lock.
// Signing is the costly part and is const: sign posts on many threads with MinHasher, then observe the
// signatures in order.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sieve/datasets/near_duplicates.h"

namespace sieve::datasets {

// How long posts count and how many are held.
struct TemplateWindowOptions {
  std::int64_t window_seconds = 86400;   // posts older than this never count; two periods of half of it
  std::size_t max_posts = 200000;        // posts held at most (about 1.2 KB each); a period that holds half
                                         // of them ends early, before its time
  NearDuplicateOptions near_duplicates;  // what counts as a near-copy

  // Throws Error(kConfig, "template_window.<field>", ...).
  void validate() const;
};

// What the window says about one post.
struct TemplateObservation {
  std::uint64_t template_id = 0;  // hash of the normalized text of the template's first post in the
                                  // window: the same for every copy while the template stays in it
  std::size_t count = 1;          // posts of the template in the window, this one included
  std::size_t accounts = 1;       // distinct groups among them
};

// One template in the window, for monitoring.
struct TemplateWindowEntry {
  std::uint64_t template_id = 0;
  std::size_t count = 0;
  std::size_t accounts = 0;
};

class TemplateWindow {
 public:
  explicit TemplateWindow(TemplateWindowOptions options = {});  // validates
  ~TemplateWindow();
  TemplateWindow(TemplateWindow&&) noexcept;
  TemplateWindow& operator=(TemplateWindow&&) noexcept;

  // Counts the post in the window at time (seconds since 1970; a time before the current period counts
  // as now) and returns its template. A post too short to cluster (NearDuplicateOptions::min_chars) is
  // its own template of one and is not held.
  TemplateObservation observe(std::string_view text, std::string_view group, std::int64_t time);
  // Same, for a post signed with hasher() (or a MinHasher of the same options).
  TemplateObservation observe(const Signature& signature, std::string_view group, std::int64_t time);

  // The `top` templates with the most posts in the window, largest first (then by id).
  std::vector<TemplateWindowEntry> largest(std::size_t top) const;

  const MinHasher& hasher() const { return hasher_; }
  const TemplateWindowOptions& options() const { return options_; }
  std::size_t posts() const;            // held now, in both periods: never above max_posts
  std::size_t templates() const;        // with at least one post held
  std::size_t rotations() const;        // periods ended, by time or because they were full
  std::size_t early_rotations() const;  // periods ended because they held max_posts / 2 posts

 private:
  struct Period;
  struct Template {
    std::size_t count = 0;
    std::unordered_map<std::uint64_t, std::uint32_t> groups;  // group hash → posts held
  };

  void advance(std::int64_t time);
  void rotate(std::int64_t start);
  void forget(Period& period);

  TemplateWindowOptions options_;
  MinHasher hasher_;
  std::int64_t period_seconds_ = 0;
  std::int64_t current_start_ = 0;
  bool started_ = false;
  std::unique_ptr<Period> current_, previous_;
  std::unordered_map<std::uint64_t, Template> templates_;  // template id → its posts held
  std::size_t rotations_ = 0, early_rotations_ = 0;
};

}  // namespace sieve::datasets
