#include "byte_reader.h"

#include <cstring>

#include "sieve/core/error.h"

namespace sieve::tokenizer::detail {

void put_u32(std::string& out, std::uint32_t value) {
  char bytes[4];
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(value >> (8 * i));
  out.append(bytes, 4);
}

void put_u64(std::string& out, std::uint64_t value) {
  put_u32(out, static_cast<std::uint32_t>(value));
  put_u32(out, static_cast<std::uint32_t>(value >> 32));
}

void put_f32(std::string& out, float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, 4);
  put_u32(out, bits);
}

void put_padding(std::string& out, std::size_t alignment) {
  out.append((alignment - out.size() % alignment) % alignment, '\0');
}

const unsigned char* ByteReader::take(std::size_t size, const char* what) {
  if (remaining() < size) {
    fail(std::string("truncated: ") + what + " needs " + std::to_string(size) + " bytes, only " +
         std::to_string(remaining()) + " left");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(bytes_.data() + offset_);
  offset_ += size;
  return p;
}

void ByteReader::skip_padding(std::size_t alignment, const char* what) {
  const std::size_t size = (alignment - offset_ % alignment) % alignment;
  const std::size_t start = offset_;
  const unsigned char* p = take(size, what);
  for (std::size_t i = 0; i < size; ++i) {
    if (p[i] != 0) {
      offset_ = start + i;
      fail(std::string("nonzero byte in the padding before ") + what);
    }
  }
}

std::uint32_t ByteReader::u32(const char* what) {
  const unsigned char* p = take(4, what);
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

std::uint64_t ByteReader::u64(const char* what) {
  const std::uint64_t low = u32(what);
  return low | std::uint64_t{u32(what)} << 32;
}

float ByteReader::f32(const char* what) {
  const std::uint32_t bits = u32(what);
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

void ByteReader::fail(const std::string& message) const {
  throw Error(ErrorKind::kFormat, where_, message + " (at byte " + std::to_string(offset_) + ")");
}

}  // namespace sieve::tokenizer::detail
