#include "sieve/datasets/coordination.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace sieve::datasets {
namespace {

// Post indices ordered by key, then time, then input order.
template <typename Key>
std::vector<std::uint32_t> ordered_by(const std::vector<AccountPost>& posts, Key key) {
  std::vector<std::uint32_t> order(posts.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    const auto kx = key(posts[x]), ky = key(posts[y]);
    return kx != ky ? kx < ky : posts[x].time < posts[y].time;
  });
  return order;
}

struct EdgeTally {
  CoordinationEdge edge;
  std::uint32_t last_cluster = std::numeric_limits<std::uint32_t>::max();
};

// Within one cluster's posts (in time order): the links of each post to earlier posts of other accounts.
void link_cluster(const std::vector<AccountPost>& posts, const std::uint32_t* run, std::size_t n,
                  std::int64_t window, std::size_t max_links, CoordinationResult& result,
                  std::unordered_map<std::uint64_t, EdgeTally>& tallies) {
  for (std::size_t j = 1; j < n; ++j) {
    const AccountPost& later = posts[run[j]];
    std::size_t links = 0;
    for (std::size_t i = j; i-- > 0 && links < max_links;) {
      const AccountPost& earlier = posts[run[i]];
      const bool timed = later.time != 0 && earlier.time != 0;
      if (timed && later.time - earlier.time > window) break;
      if (earlier.account == later.account) continue;
      if (links++ == 0) ++result.accounts[later.account].follows;
      const std::uint32_t a = std::min(earlier.account, later.account);
      const std::uint32_t b = std::max(earlier.account, later.account);
      EdgeTally& t = tallies[(static_cast<std::uint64_t>(a) << 32) | b];
      if (t.edge.co_posts == 0) t.edge = {a, b, 0, 0, earlier.time, later.time};
      ++t.edge.co_posts;
      t.edge.first = std::min(t.edge.first, earlier.time);
      t.edge.last = std::max(t.edge.last, later.time);
      if (t.last_cluster != later.cluster) {
        t.last_cluster = later.cluster;
        ++t.edge.templates;
      }
    }
  }
}

// Templates posted by two accounts or more: each account's posts in them and its largest.
void count_shared(const std::vector<AccountPost>& posts, const std::uint32_t* run, std::size_t n,
                  CoordinationResult& result) {
  bool shared = false;
  for (std::size_t i = 1; i < n && !shared; ++i) shared = posts[run[i]].account != posts[run[0]].account;
  if (!shared) return;
  result.shared[posts[run[0]].cluster] = true;
  for (std::size_t i = 0; i < n; ++i) {
    AccountCoordination& c = result.accounts[posts[run[i]].account];
    ++c.posts_in_shared;
    if (n > c.largest_shared_size) {
      c.largest_shared_size = n;
      c.largest_shared = posts[run[i]].cluster;
    }
  }
}

void set_burstiness(const std::vector<AccountPost>& posts, CoordinationResult& result) {
  const std::vector<std::uint32_t> order = ordered_by(posts, [](const AccountPost& p) { return p.account; });
  for (std::size_t begin = 0; begin < order.size();) {
    const std::uint32_t account = posts[order[begin]].account;
    std::size_t end = begin;
    std::vector<double> gaps;
    std::int64_t previous = 0;
    for (; end < order.size() && posts[order[end]].account == account; ++end) {
      const std::int64_t t = posts[order[end]].time;
      if (t == 0) continue;
      if (previous != 0) gaps.push_back(static_cast<double>(t - previous));
      previous = t;
    }
    if (gaps.size() >= 2) {
      const double mean = std::accumulate(gaps.begin(), gaps.end(), 0.0) / gaps.size();
      double squares = 0;
      for (const double g : gaps) squares += (g - mean) * (g - mean);
      const double sd = std::sqrt(squares / gaps.size());
      result.accounts[account].burstiness = sd + mean > 0 ? (sd - mean) / (sd + mean) : 0;
    }
    begin = end;
  }
}

std::uint32_t root(std::vector<std::uint32_t>& parent, std::uint32_t x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

}  // namespace

CoordinationResult analyze_coordination(const std::vector<AccountPost>& posts, std::size_t accounts,
                                        std::int64_t window, std::size_t max_links_per_post) {
  CoordinationResult result;
  result.accounts.resize(accounts);
  for (const AccountPost& p : posts) ++result.accounts[p.account].posts;
  std::unordered_map<std::uint64_t, EdgeTally> tallies;
  {
    const std::vector<std::uint32_t> order =
        ordered_by(posts, [](const AccountPost& p) { return p.cluster; });
    if (!order.empty()) result.shared.resize(posts[order.back()].cluster + std::size_t{1});
    for (std::size_t begin = 0; begin < order.size();) {
      std::size_t end = begin + 1;
      while (end < order.size() && posts[order[end]].cluster == posts[order[begin]].cluster) ++end;
      count_shared(posts, &order[begin], end - begin, result);
      link_cluster(posts, &order[begin], end - begin, window, max_links_per_post, result, tallies);
      begin = end;
    }
  }
  result.edges.reserve(tallies.size());
  for (const auto& [key, tally] : tallies) result.edges.push_back(tally.edge);
  std::sort(result.edges.begin(), result.edges.end(),
            [](const CoordinationEdge& x, const CoordinationEdge& y) {
              return x.a != y.a ? x.a < y.a : x.b < y.b;
            });
  for (const CoordinationEdge& e : result.edges) {
    ++result.accounts[e.a].co_accounts;
    ++result.accounts[e.b].co_accounts;
  }
  set_burstiness(posts, result);
  return result;
}

std::vector<std::uint32_t> connected_components(std::size_t accounts,
                                                const std::vector<CoordinationEdge>& edges) {
  std::vector<std::uint32_t> parent(accounts);
  std::iota(parent.begin(), parent.end(), 0u);
  for (const CoordinationEdge& e : edges) {
    const std::uint32_t a = root(parent, e.a), b = root(parent, e.b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
  std::vector<std::uint32_t> component(accounts);
  std::vector<std::uint32_t> number(accounts, std::numeric_limits<std::uint32_t>::max());
  std::uint32_t next = 0;
  for (std::uint32_t x = 0; x < accounts; ++x) {
    const std::uint32_t r = root(parent, x);
    if (number[r] == std::numeric_limits<std::uint32_t>::max()) number[r] = next++;
    component[x] = number[r];
  }
  return component;
}

double account_coordinated_score(double mean_post_score, const AccountCoordination& c) {
  const double text = std::isnan(mean_post_score) ? 0 : std::clamp(mean_post_score, 0.0, 1.0);
  const double shared = std::min(1.0, 2 * c.shared_share());
  const double follows = std::min(1.0, 2 * c.follow_share());
  return 1 - (1 - text) * (1 - shared) * (1 - follows);
}

}  // namespace sieve::datasets
