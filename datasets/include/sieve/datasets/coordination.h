#pragma once
// Accounts and their coordination network, from posts whose near-duplicate templates are known
// (template_clusters.h): which accounts post near-copies of each other within a time window, how much of
// each account's posting that is, and the graph it makes (docs/accounts.md). Anchor: coordinated link
// sharing (CooRnet), here on templates instead of links.
//
// Memory: AccountPost is 16 bytes a post; the analysis adds about 16 more a post while it runs, and an
// edge costs about 40 bytes.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace sieve::datasets {

// A post is linked to at most this many earlier near-copies (the nearest in time): a template posted by
// 10,000 accounts would otherwise link 50 million pairs.
inline constexpr std::size_t kMaxLinksPerPost = 50;

// One post as the analysis keeps it.
struct AccountPost {
  std::uint32_t account = 0;  // index of the account
  std::uint32_t cluster = 0;  // its near-duplicate cluster
  std::int64_t time = 0;      // seconds since 1970; 0 when unknown
};

// Two accounts that posted near-copies of each other within the window.
struct CoordinationEdge {
  std::uint32_t a = 0, b = 0;        // a < b
  std::uint32_t templates = 0;       // distinct templates in which they did: the edge's weight
  std::uint32_t co_posts = 0;        // pairs of their posts linked
  std::int64_t first = 0, last = 0;  // times of the first and last linked post (0 when unknown)
};

struct AccountCoordination {
  std::size_t posts = 0;
  std::size_t posts_in_shared = 0;  // posts of templates that other accounts posted too
  std::size_t follows = 0;          // posts that follow another account's near-copy within the window
  std::size_t co_accounts = 0;      // accounts it is linked to (its degree in the graph)
  std::uint32_t largest_shared = std::numeric_limits<std::uint32_t>::max();  // cluster; max: none
  std::size_t largest_shared_size = 0;  // posts of that template, all accounts
  // (σ − μ) / (σ + μ) of the gaps between its timed posts: −1 for a clock, 0 for a Poisson process, near 1
  // for bursts; NaN with fewer than 3 timed posts.
  double burstiness = std::nan("");

  double shared_share() const { return posts ? static_cast<double>(posts_in_shared) / posts : 0; }
  double follow_share() const { return posts ? static_cast<double>(follows) / posts : 0; }
};

struct CoordinationResult {
  std::vector<AccountCoordination> accounts;  // by account index
  std::vector<CoordinationEdge> edges;        // by (a, b)
  std::vector<bool> shared;  // by cluster, up to the largest seen: posted by two accounts or more
};

// Links, within every cluster, each post to the earlier posts of other accounts at most window seconds
// before it (all of them when times are unknown), up to max_links_per_post, nearest first.
CoordinationResult analyze_coordination(const std::vector<AccountPost>& posts, std::size_t accounts,
                                        std::int64_t window,
                                        std::size_t max_links_per_post = kMaxLinksPerPost);

// Connected components of the graph: per account its component, numbered from 0 in order of the
// smallest account index; an account without edges is a component of its own.
std::vector<std::uint32_t> connected_components(std::size_t accounts,
                                                const std::vector<CoordinationEdge>& edges);

// The account-level score used when no account labels exist (docs/accounts.md): a noisy-OR of three
// pieces of evidence, each in [0, 1]: the mean probability of the post-level coordinated head (0 without
// a model), twice the share of posts in shared templates and twice the share of posts that follow another
// account's near-copy (both capped at 1). Measured shares of posts in shared templates (accounts of 2 posts
// or more): on the corpus' test split, campaign accounts a mean of 16 %, organic ones under 0.1 %; in the
// simulator, 60 % and 5 %.
double account_coordinated_score(double mean_post_score, const AccountCoordination& c);

}  // namespace sieve::datasets
