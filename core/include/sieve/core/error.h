#pragma once
// The one exception type of every sieve library; the CLI and the server decide how to report it.

#include <stdexcept>
#include <string>

namespace sieve {

enum class ErrorKind {
  kInvalidInput,  // the user's data is wrong: bad UTF-8, broken JSON line, unknown label value
  kIo,            // a file could not be opened, read or written
  kFormat,        // a model, shard or tokenizer file is truncated, corrupt or of another version
  kConfig,        // an option or configuration value is out of range or inconsistent
};

const char* error_kind_name(ErrorKind kind);

// An error with a kind and a location ("file:line", "tensor embed.weight", "option --vocab-size").
// what() is "<where>: <message>" so that any catch site can print it as is.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string where, std::string message);

  ErrorKind kind() const { return kind_; }
  const std::string& where() const { return where_; }
  const std::string& message() const { return message_; }

 private:
  ErrorKind kind_;
  std::string where_;
  std::string message_;
};

}  // namespace sieve
