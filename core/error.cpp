#include "sieve/core/error.h"

namespace sieve {
namespace {

std::string join_where(const std::string& where, const std::string& message) {
  return where.empty() ? message : where + ": " + message;
}

}  // namespace

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return "invalid input";
    case ErrorKind::kIo:
      return "i/o";
    case ErrorKind::kFormat:
      return "format";
    case ErrorKind::kConfig:
      return "config";
  }
  return "unknown";
}

Error::Error(ErrorKind kind, std::string where, std::string message)
    : std::runtime_error(join_where(where, message)),
      kind_(kind),
      where_(std::move(where)),
      message_(std::move(message)) {}

}  // namespace sieve
