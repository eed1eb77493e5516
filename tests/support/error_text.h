#pragma once
// Tests check what an error says, not only that something threw.

#include <functional>
#include <string>

#include "sieve/core/error.h"

namespace sieve::testing {

// "<kind>: <where>: <message>" of the sieve::Error that action throws, or "no error".
inline std::string error_text(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return std::string(error_kind_name(e.kind())) + ": " + e.what();
  }
  return "no error";
}

}  // namespace sieve::testing
