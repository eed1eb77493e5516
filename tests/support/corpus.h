#pragma once
// Access to the labelled corpus beside the checkout (../shared/corpus) for tests and benchmarks.
// It is never part of the repository; callers skip with corpus_missing_message() when it is absent.

#include <cstddef>
#include <string>
#include <vector>

namespace sieve::testing {

// The corpus folder: $SIEVE_CORPUS_DIR if set, else the one configured at build time.
std::string corpus_dir();

// Empty when <corpus>/<file> exists, else a message that says where it was looked for.
std::string corpus_missing_message(const std::string& file);

// The non-empty lines of <corpus>/<file>: what a test expects to read, counted rather than pinned, as the
// corpus grows.
std::size_t count_corpus_lines(const std::string& file);

// The "text" field of the first `limit` lines of <corpus>/<file> (0: all lines).
std::vector<std::string> read_corpus_texts(const std::string& file, std::size_t limit = 0);

}  // namespace sieve::testing
