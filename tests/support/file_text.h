#pragma once
// Reading what a test wrote or a command printed: the one whole-file reader of the tests.

#include <string>
#include <vector>

namespace sieve::testing {

// The bytes of the file at path; empty when it does not exist (yet) or cannot be read, so a test can poll
// for a file that another process is about to write.
std::string file_text(const std::string& path);

// The lines of text (a command's output, or file_text of a file), without their line ends.
std::vector<std::string> text_lines(const std::string& text);

}  // namespace sieve::testing
