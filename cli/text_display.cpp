#include "text_display.h"

namespace sieve::cli {

std::string shorten(const std::string& text, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  for (const char c : text) {
    const bool starts_char = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts_char && ++chars > max_chars) return out + "...";
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + (item.empty() ? "?" : item);
  return out;
}

}  // namespace sieve::cli
