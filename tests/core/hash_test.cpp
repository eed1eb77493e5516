#include "sieve/core/hash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace sieve {
namespace {

// Feature ids are persisted in shards and models: these values must never change across platforms or
// releases. They are XXH3-64 of the given bytes, as published by the xxHash specification.
TEST(Hash, IsTheStableXxh3Value) {
  EXPECT_EQ(hash64("", 0), 0x2D06800538D394C2ull);
  EXPECT_EQ(hash64("sieve", 0), hash64(std::string_view("sieve"), 0));
  EXPECT_NE(hash64("sieve", 0), hash64("sieve", 1));
}

TEST(Hash, StreamingHashEqualsOneShotHash) {
  const std::string text = "a longer text that arrives in several pieces, as a file read in chunks does";
  Hasher64 hasher(5);
  for (std::size_t i = 0; i < text.size(); i += 7)
    hasher.update(text.data() + i, std::min<std::size_t>(7, text.size() - i));
  EXPECT_EQ(hasher.digest(), hash64(text, 5));
}

TEST(Hash, PairHashIsTheHashOfLittleEndianBytes) {
  const unsigned char bytes[8] = {1, 0, 0, 0, 2, 0, 0, 0};
  EXPECT_EQ(hash_pair(1, 2, 9), hash64(bytes, sizeof bytes, 9));
  EXPECT_NE(hash_pair(1, 2, 9), hash_pair(2, 1, 9));
}

}  // namespace
}  // namespace sieve
