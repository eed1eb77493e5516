// ModelFileWriter: lays the tensors out with their alignment fillers, then writes the file atomically.

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "model_file_format.h"
#include "sieve/core/atomic_file.h"
#include "sieve/core/error.h"
#include "sieve/core/json_writer.h"
#include "sieve/core/utf8.h"

namespace sieve::infer {
namespace {

using detail::kLengthBytes;

// One entry of the header in file order: a tensor, or a "__pad.<k>" filler (data == nullptr, zeros).
struct Placed {
  std::string name;
  DType dtype;
  Shape shape;
  std::uint64_t begin, end;
  const unsigned char* data;
};

std::string header_json(const std::map<std::string, std::string>& metadata,
                        const std::vector<Placed>& placed) {
  JsonWriter w;
  w.begin_object();
  if (!metadata.empty()) {
    w.key(detail::kMetadataKey).begin_object();
    for (const auto& [key, value] : metadata) w.key(key).value(value);
    w.end_object();
  }
  for (const Placed& p : placed) {
    w.key(p.name).begin_object();
    w.key("dtype").value(dtype_name(p.dtype));
    w.key("shape").begin_array();
    for (const std::int64_t dim : p.shape) w.value(dim);
    w.end_array();
    w.key("data_offsets").begin_array().value(p.begin).value(p.end).end_array();
    w.end_object();
  }
  w.end_object();
  std::string json = w.take();
  // Trailing spaces are valid JSON: they put the first data byte on a kModelFileAlignment boundary.
  const std::size_t unaligned = (kLengthBytes + json.size()) % kModelFileAlignment;
  if (unaligned != 0) json.append(kModelFileAlignment - unaligned, ' ');
  return json;
}

// Zero bytes of padding between tensors.
void write_zeros(AtomicFile& file, std::size_t size) {
  static const unsigned char kZeros[kModelFileAlignment] = {};
  for (; size > 0; size -= std::min(size, sizeof kZeros)) file.write(kZeros, std::min(size, sizeof kZeros));
}

}  // namespace

void ModelFileWriter::set_metadata(std::string key, std::string value) {
  if (utf8::count_invalid(key) > 0 || utf8::count_invalid(value) > 0) {
    throw Error(ErrorKind::kInvalidInput, "metadata '" + utf8::sanitize(key) + "'",
                "key or value is not valid UTF-8");
  }
  metadata_[std::move(key)] = std::move(value);
}

void ModelFileWriter::add_tensors_of(const ModelFile& file, const std::function<bool(const Tensor&)>& keep) {
  for (const Tensor& t : file.tensors()) {
    if (keep && !keep(t)) continue;
    // Byte blobs keep 8, as the exporter writes the fluency model, whose tables the runtime uses in place.
    const std::size_t alignment = t.dtype == DType::kU8 ? 8 : kModelFileAlignment;
    add_tensor(t.name, t.dtype, t.shape, t.data, t.bytes, alignment);
  }
}

void ModelFileWriter::add_tensor(std::string name, DType dtype, Shape shape, const void* data,
                                 std::size_t bytes, std::size_t alignment) {
  const std::string where = "tensor '" + utf8::sanitize(name) + "'";
  auto fail = [&](const std::string& what) { throw Error(ErrorKind::kInvalidInput, where, what); };
  if (name.empty()) fail("empty name");
  if (utf8::count_invalid(name) > 0) fail("name is not valid UTF-8");
  if (name.compare(0, detail::kReservedPrefix.size(), detail::kReservedPrefix) == 0)
    fail("names starting with '__' are reserved for the format");
  for (const Pending& t : tensors_) {
    if (t.name == name) fail("duplicate name");
  }
  for (const std::int64_t dim : shape) {
    if (dim < 0) fail("negative dimension in shape " + shape_text(shape));
  }
  std::uint64_t expected = 0;
  if (!detail::byte_size(dtype, shape, &expected))
    fail("shape " + shape_text(shape) + " of " + dtype_name(dtype) + " overflows 64 bits");
  if (expected != bytes) {
    fail("shape " + shape_text(shape) + " of " + dtype_name(dtype) + " is " + std::to_string(expected) +
         " bytes, the data has " + std::to_string(bytes));
  }
  if (bytes > 0 && data == nullptr) fail("no data");
  if (alignment == 0 || alignment > kModelFileAlignment || (alignment & (alignment - 1)) != 0) {
    fail("alignment " + std::to_string(alignment) + " is not a power of two up to " +
         std::to_string(kModelFileAlignment));
  }
  const auto* first = static_cast<const unsigned char*>(data);
  tensors_.push_back({std::move(name), dtype, std::move(shape), {first, first + bytes}, alignment});
}

void ModelFileWriter::write(const std::string& path) const {
  // The data area starts on a kModelFileAlignment boundary, so an offset aligned within the data area
  // is aligned within the file; every alignment divides kModelFileAlignment.
  std::vector<Placed> placed;
  std::uint64_t offset = 0;
  std::size_t pads = 0;
  for (const Pending& t : tensors_) {
    const std::uint64_t gap = (t.alignment - offset % t.alignment) % t.alignment;
    if (gap > 0) {
      placed.push_back({std::string(detail::kPadPrefix) + std::to_string(pads++),
                        DType::kU8,
                        {static_cast<std::int64_t>(gap)},
                        offset,
                        offset + gap,
                        nullptr});
      offset += gap;
    }
    placed.push_back({t.name, t.dtype, t.shape, offset, offset + t.bytes.size(), t.bytes.data()});
    offset += t.bytes.size();
  }
  const std::string json = header_json(metadata_, placed);
  if (json.size() > detail::kMaxHeaderBytes) {
    throw Error(ErrorKind::kInvalidInput, path,
                "the header would be " + std::to_string(json.size()) + " bytes, above the limit of " +
                    std::to_string(detail::kMaxHeaderBytes) + " (store large values as U8 tensors)");
  }

  AtomicFile file(path);
  unsigned char length[kLengthBytes];
  for (std::size_t i = 0; i < kLengthBytes; ++i)
    length[i] = static_cast<unsigned char>(json.size() >> (8 * i));
  file.write(length, sizeof length);
  file.write(json.data(), json.size());
  for (const Placed& p : placed) {
    if (p.data) {
      file.write(p.data, p.end - p.begin);
    } else {
      write_zeros(file, p.end - p.begin);
    }
  }
  file.commit();
}

}  // namespace sieve::infer
