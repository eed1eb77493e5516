#pragma once
// Expensive test fixtures (a model trained on the corpus) built once and kept on disk, so that the many
// processes ctest starts (one per test case, several at once with -j) share one build instead of each
// building its own.

#include <functional>
#include <string>

namespace sieve::testing {

// The folder <cache root>/<name>, built by build(dir) when it is missing or was built for another key
// (the key names what the contents depend on: binaries, corpus files, settings). Processes wait for one
// another while one builds. When build throws, the folder is removed and the exception passes on.
// The cache root is $SIEVE_TEST_CACHE_DIR, or test-cache/ in the build folder.
std::string cached_dir(const std::string& name, const std::string& key,
                       const std::function<void(const std::string& dir)>& build);

// "<size>:<modification time>" of a file, "missing" when it does not exist: for keys.
std::string file_identity(const std::string& path);

}  // namespace sieve::testing
