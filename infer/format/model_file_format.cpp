#include "model_file_format.h"

namespace sieve::infer {

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::kF32:
    case DType::kI32:
      return 4;
    case DType::kI8:
    case DType::kU8:
      return 1;
    case DType::kI64:
      return 8;
  }
  return 1;
}

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return "F32";
    case DType::kI8:
      return "I8";
    case DType::kU8:
      return "U8";
    case DType::kI32:
      return "I32";
    case DType::kI64:
      return "I64";
  }
  return "?";
}

std::string shape_text(const Shape& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

namespace detail {

bool dtype_from_name(std::string_view name, DType* dtype) {
  for (const DType candidate : {DType::kF32, DType::kI8, DType::kU8, DType::kI32, DType::kI64}) {
    if (name == dtype_name(candidate)) {
      *dtype = candidate;
      return true;
    }
  }
  return false;
}

bool byte_size(DType dtype, const Shape& shape, std::uint64_t* bytes) {
  std::uint64_t elements = 1;
  for (const std::int64_t dim : shape) {
    if (dim < 0 || __builtin_mul_overflow(elements, static_cast<std::uint64_t>(dim), &elements)) return false;
  }
  return !__builtin_mul_overflow(elements, static_cast<std::uint64_t>(dtype_size(dtype)), bytes);
}

std::string offsets_text(std::uint64_t begin, std::uint64_t end) {
  return "[" + std::to_string(begin) + "," + std::to_string(end) + "]";
}

}  // namespace detail
}  // namespace sieve::infer
