#pragma once
// Reading a whole small file (a manifest, a tokenizer model, a token): one place for the error messages.

#include <string>
#include <string_view>

namespace sieve {

// The bytes of the file at path. Throws Error(kIo, path, "cannot open[ (what)]: <reason>") when it cannot
// be opened and Error(kIo, path, "read error") when reading fails; `what` says what the file was for.
std::string read_file(const std::string& path, std::string_view what = {});

}  // namespace sieve
