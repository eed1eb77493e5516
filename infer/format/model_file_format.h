#pragma once
// Layout rules shared by the model file writer and reader, so that the two can never disagree.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sieve/format/model_file.h"

namespace sieve::infer::detail {

inline constexpr std::size_t kLengthBytes = 8;                 // the u64 header length
inline constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // safetensors refuses larger headers
inline constexpr std::string_view kMetadataKey = "__metadata__";
inline constexpr std::string_view kPadPrefix = "__pad.";
inline constexpr std::string_view kReservedPrefix = "__";  // no real tensor name starts with it

// The dtype spelled `name` in a header; false for any other spelling.
bool dtype_from_name(std::string_view name, DType* dtype);

// Bytes of a tensor of this dtype and shape, multiplied one dimension at a time as safetensors does;
// false when a dimension is negative or the product overflows 64 bits.
bool byte_size(DType dtype, const Shape& shape, std::uint64_t* bytes);

// "[begin,end]" for messages.
std::string offsets_text(std::uint64_t begin, std::uint64_t end);

}  // namespace sieve::infer::detail
