#pragma once
// Private to datasets/: the member of a cluster that stands for it, shared by the in-memory summaries
// (near_duplicates.cpp) and the streaming ones (template_clusters.cpp).

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace sieve::datasets::detail {

struct RepresentativeChoice {
  std::uint32_t representative = 0;  // the member whose normalized text is most frequent, earliest on ties
  std::size_t exact_duplicates = 0;  // members whose normalized text an earlier member had
};

// members in post order; text_hash(i) is the hash of member i's normalized text.
template <typename TextHash>
RepresentativeChoice choose_representative(const std::vector<std::uint32_t>& members,
                                           const TextHash& text_hash) {
  struct Copies {
    std::size_t count = 0;
    std::uint32_t first = 0;
  };
  std::unordered_map<std::uint64_t, Copies> copies;  // normalized text → members with it
  for (const std::uint32_t i : members) {
    Copies& c = copies[text_hash(i)];
    if (c.count++ == 0) c.first = i;
  }
  RepresentativeChoice choice;
  std::size_t most = 0;
  for (const std::uint32_t i : members) {  // in member order: the earliest text wins a tie
    const Copies& c = copies[text_hash(i)];
    if (c.first == i && c.count > most) {
      most = c.count;
      choice.representative = i;
    }
  }
  choice.exact_duplicates = members.size() - copies.size();
  return choice;
}

}  // namespace sieve::datasets::detail
