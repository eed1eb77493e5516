#pragma once
// Private to tokenizer/: the little-endian byte helpers of the fluency file format.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace sieve::tokenizer::detail {

// Little-endian writers and a bounds-checked reader whose errors name the input and the byte offset.
void put_u32(std::string& out, std::uint32_t value);
void put_u64(std::string& out, std::uint64_t value);
void put_f32(std::string& out, float value);
// Zero bytes up to the next multiple of alignment (from the start of out).
void put_padding(std::string& out, std::size_t alignment);

class ByteReader {
 public:
  ByteReader(std::string_view bytes, std::string where) : bytes_(bytes), where_(std::move(where)) {}

  std::uint32_t u32(const char* what);
  std::uint64_t u64(const char* what);
  float f32(const char* what);
  // The next size bytes, or Error(kFormat) naming what was to be read.
  const unsigned char* take(std::size_t size, const char* what);
  // Steps over the zero bytes up to the next multiple of alignment (from the start of the input); nonzero
  // ones are an error naming what they pad.
  void skip_padding(std::size_t alignment, const char* what);
  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return bytes_.size() - offset_; }

  // Throws Error(kFormat, where, "<message> (at byte <offset>)").
  [[noreturn]] void fail(const std::string& message) const;

 private:
  std::string_view bytes_;
  std::string where_;
  std::size_t offset_ = 0;
};

}  // namespace sieve::tokenizer::detail
