#pragma once
// Disjoint sets over item numbers, shared by near-duplicate clustering and the splitter. Union by size with
// path halving; each set also remembers its smallest item, which names it, so names do not depend on the
// order of unions.

#include <cstdint>
#include <utility>
#include <vector>

namespace sieve::datasets::detail {

class UnionFind {
 public:
  explicit UnionFind(std::uint32_t count = 0) {
    for (std::uint32_t i = 0; i < count; ++i) add();
  }

  std::uint32_t add() {
    const auto item = static_cast<std::uint32_t>(parent_.size());
    parent_.push_back(item);
    size_.push_back(1);
    smallest_.push_back(item);
    return item;
  }

  std::uint32_t find(std::uint32_t item) {
    while (parent_[item] != item) {
      parent_[item] = parent_[parent_[item]];
      item = parent_[item];
    }
    return item;
  }

  // False when a and b were already together.
  bool unite(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    if (smallest_[b] < smallest_[a]) smallest_[a] = smallest_[b];
    return true;
  }

  std::uint32_t smallest(std::uint32_t item) { return smallest_[find(item)]; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(parent_.size()); }
  void reserve(std::size_t count) {
    parent_.reserve(count);
    size_.reserve(count);
    smallest_.reserve(count);
  }

 private:
  std::vector<std::uint32_t> parent_;
  std::vector<std::uint32_t> size_;
  std::vector<std::uint32_t> smallest_;
};

}  // namespace sieve::datasets::detail
