#pragma once
// Generated fixtures for the near-duplicate and split tests: families of templated posts (one template,
// variants with a word edit and disguises that the normalizer undoes) and unrelated posts, in a
// pseudo-language of syllables so that different families share few shingles by chance. A fixed
// splitmix64 generator, not <random>'s distributions, so the fixtures are the same with every library.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sieve/core/utf8.h"

namespace sieve::testing {

class TestRng {
 public:
  explicit TestRng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool chance(double p) { return static_cast<double>(next() >> 11) / 9007199254740992.0 < p; }

 private:
  std::uint64_t state_;
};

inline std::vector<std::string> make_vocabulary(std::size_t count, TestRng& rng) {
  static const char* const syllables[] = {
      "ka", "lo",  "mi", "ter", "pra", "vu",  "sen", "dor", "ri", "ga", "pol", "ne",  "sta", "cu",  "ber",
      "ti", "mon", "fa", "zé",  "lè",  "qui", "bro", "an",  "es", "ul", "tro", "vin", "ça",  "del", "por"};
  std::vector<std::string> words;
  while (words.size() < count) {
    std::string word;
    for (std::size_t n = 2 + rng.below(3); n > 0; --n) word += syllables[rng.below(30)];
    words.push_back(word);
  }
  return words;
}

inline std::vector<std::string> random_words(const std::vector<std::string>& vocabulary, std::size_t count,
                                             TestRng& rng) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(vocabulary[rng.below(vocabulary.size())]);
  return out;
}

inline std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// Random handle, link and amount: the normalizer masks them, so they may change in every copy.
inline std::string random_handle(TestRng& rng) { return "@user" + std::to_string(rng.below(100000)); }
inline std::string random_link(TestRng& rng) {
  return "https://t.co/x" + std::to_string(rng.next() % 1000000007);
}

// ---- disguises the normalizer undoes ----

inline std::string full_width(const std::string& word) {
  std::string out;
  for (const char c : word) {
    if (c >= 'a' && c <= 'z') {
      utf8::append(out, 0xFF41 + static_cast<char32_t>(c - 'a'));
    } else {
      out += c;
    }
  }
  return out;
}

// One Latin letter replaced by its Cyrillic look-alike (the word keeps other Latin letters).
inline std::string cyrillic_homoglyph(const std::string& latin_word) {
  std::string word = latin_word;
  static const std::pair<char, const char*> swaps[] = {
      {'a', "\u0430"}, {'e', "\u0435"}, {'o', "\u043E"}, {'p', "\u0440"}, {'c', "\u0441"}};
  for (const auto& [latin, cyrillic] : swaps) {
    const auto at = word.find(latin);
    if (at != std::string::npos && at > 0) return word.replace(at, 1, cyrillic);
  }
  return word;
}

inline std::string zero_width_spaces(const std::string& word) {
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) {
    out += word[i];
    if (i % 2 == 1 && i + 1 < word.size() && (static_cast<unsigned char>(word[i + 1]) & 0xC0) != 0x80)
      out += "\u200B";
  }
  return out;
}

inline std::string shout(const std::string& quiet) {
  std::string word = quiet;
  for (char& c : word) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return word;
}

// ---- families ----

struct PlantedPost {
  std::string text;
  int family = -1;  // -1: unrelated
};

struct PlantedSet {
  std::vector<PlantedPost> posts;
  int families = 0;
};

// A variant of a template: `edits` content edits (replace, insert or drop a word), then each disguise
// with some chance, and a fresh handle and link.
inline void edit_word(std::vector<std::string>& words, const std::vector<std::string>& vocabulary,
                      TestRng& rng) {
  const std::size_t at = 1 + rng.below(words.size() - 2);
  switch (rng.below(3)) {
    case 0:
      words[at] = vocabulary[rng.below(vocabulary.size())];
      break;
    case 1:
      words.insert(words.begin() + static_cast<std::ptrdiff_t>(at), vocabulary[rng.below(vocabulary.size())]);
      break;
    default:
      words.erase(words.begin() + static_cast<std::ptrdiff_t>(at));
  }
}

inline std::string make_variant(std::vector<std::string> words, const std::vector<std::string>& vocabulary,
                                TestRng& rng, int edits = 1) {
  for (int e = 0; e < edits; ++e) edit_word(words, vocabulary, rng);
  const auto disguise = [&](double chance, std::string (*how)(const std::string&)) {
    if (!rng.chance(chance)) return;
    std::string& word = words[rng.below(words.size())];
    word = how(word);
  };
  disguise(0.5, cyrillic_homoglyph);
  disguise(0.5, zero_width_spaces);
  disguise(0.4, full_width);
  disguise(0.3, shout);
  return random_handle(rng) + " " + join_words(words) + " " + random_link(rng);
}

// `families` templates of `words` words, each posted verbatim (with fresh handles and links) `copies`
// times and as `variants` variants of `edits` word edits; then `unrelated` posts of random words.
inline PlantedSet planted_families(int families, int copies, int variants, int unrelated, std::uint64_t seed,
                                   std::size_t words = 24, int edits = 1) {
  TestRng rng(seed);
  const auto vocabulary = make_vocabulary(600, rng);
  PlantedSet set;
  set.families = families;
  for (int f = 0; f < families; ++f) {
    const auto words_of_template = random_words(vocabulary, words, rng);
    for (int c = 0; c < copies; ++c) {
      set.posts.push_back(
          {random_handle(rng) + " " + join_words(words_of_template) + " " + random_link(rng), f});
    }
    for (int v = 0; v < variants; ++v)
      set.posts.push_back({make_variant(words_of_template, vocabulary, rng, edits), f});
  }
  for (int u = 0; u < unrelated; ++u)
    set.posts.push_back({join_words(random_words(vocabulary, words, rng)), -1});
  // Interleave families, as a stream would.
  for (std::size_t i = set.posts.size(); i > 1; --i) std::swap(set.posts[i - 1], set.posts[rng.below(i)]);
  return set;
}

// A Chinese template of `chars` characters (one of 512 common-range ideographs each) with full-width
// punctuation.
inline std::u32string chinese_template(std::size_t chars, TestRng& rng) {
  std::u32string out;
  for (std::size_t i = 0; i < chars; ++i) {
    out += static_cast<char32_t>(0x4E00 + rng.below(512));
    if (i % 12 == 11) out += U'\uFF0C';  // full-width comma
  }
  return out + U'\u3002';
}

inline std::string to_utf8(const std::u32string& text) {
  std::string out;
  for (const char32_t c : text) utf8::append(out, c);
  return out;
}

// Chinese families: one character replaced per variant, zero-width spaces in some, and a fresh link.
inline PlantedSet planted_chinese_families(int families, int variants, int unrelated, std::uint64_t seed) {
  TestRng rng(seed);
  PlantedSet set;
  set.families = families;
  for (int f = 0; f < families; ++f) {
    const std::u32string base = chinese_template(48, rng);
    set.posts.push_back({to_utf8(base) + " " + random_link(rng), f});
    for (int v = 0; v < variants; ++v) {
      std::u32string variant = base;
      variant[rng.below(variant.size())] = static_cast<char32_t>(0x4E00 + rng.below(512));
      if (rng.chance(0.5)) variant.insert(rng.below(variant.size()), 1, U'\u200B');
      set.posts.push_back({to_utf8(variant) + " " + random_link(rng), f});
    }
  }
  for (int u = 0; u < unrelated; ++u) set.posts.push_back({to_utf8(chinese_template(48, rng)), -1});
  return set;
}

}  // namespace sieve::testing
