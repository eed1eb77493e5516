#pragma once
// model.sieve: one self-contained model file in the safetensors layout, so that Python's `safetensors`
// opens it too. An 8-byte little-endian header length N, N bytes of JSON (tensor name → dtype, shape,
// data_offsets, plus a "__metadata__" string map), then the tensor bytes, which the offsets cover exactly.
// Our additions stay inside the format: the JSON is padded with spaces so the data starts on a 64-byte
// boundary, and a U8 tensor "__pad.<k>" fills the gap before each tensor that must start aligned.
// Torch-free and SentencePiece-free: the exporter in models/ and the runtime in infer/ both link it.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/core/mapped_file.h"

namespace sieve::infer {

// The element types a model file holds (a subset of safetensors' dtypes).
enum class DType { kF32, kI8, kU8, kI32, kI64 };

// Bytes per element: 4, 1, 1, 4, 8.
std::size_t dtype_size(DType dtype);
// The safetensors spelling: "F32", "I8", "U8", "I32", "I64".
const char* dtype_name(DType dtype);

// Dimensions, outermost first; an empty shape is a scalar of one element.
using Shape = std::vector<std::int64_t>;

// "[3,4]" for messages.
std::string shape_text(const Shape& shape);

// The default and largest alignment of a tensor's first byte in the file (and so in a mapping of it).
inline constexpr std::size_t kModelFileAlignment = 64;

// One tensor of an open ModelFile: a view into the mapping, valid while the ModelFile lives.
struct Tensor {
  std::string name;
  DType dtype = DType::kU8;
  Shape shape;
  const void* data = nullptr;  // starts at a multiple of dtype_size(dtype) in the file
  std::size_t bytes = 0;

  std::size_t elements() const { return bytes / dtype_size(dtype); }
};

class ModelFile;

// Collects metadata and tensors in memory and writes one model file. The bytes depend only on what was
// added: tensors in insertion order, metadata keys sorted, JSON keys in a fixed order.
class ModelFileWriter {
 public:
  // Sets (or replaces) a metadata entry; sieve keeps its JSON document under "sieve".
  // Throws Error(kInvalidInput) when the key or the value is not valid UTF-8.
  void set_metadata(std::string key, std::string value);

  // Copies a tensor of `bytes` bytes at `data`. Its first byte will sit at a multiple of `alignment`
  // (a power of two up to kModelFileAlignment) in the file. Throws Error(kInvalidInput) for an empty,
  // duplicate, reserved ("__" prefix) or non-UTF-8 name, a negative dimension, or a size that does not
  // match the shape.
  void add_tensor(std::string name, DType dtype, Shape shape, const void* data, std::size_t bytes,
                  std::size_t alignment = kModelFileAlignment);

  // Every tensor of file for which keep is true (all when keep is empty), unchanged: bytes, dtype, shape
  // and an alignment that suits its dtype.
  void add_tensors_of(const ModelFile& file, const std::function<bool(const Tensor&)>& keep = {});

  std::size_t tensor_count() const { return tensors_.size(); }

  // Writes "<path>.partial" and renames it to path, so path only ever holds a complete file.
  // Throws Error(kIo) naming path.
  void write(const std::string& path) const;

 private:
  struct Pending {
    std::string name;
    DType dtype;
    Shape shape;
    std::vector<unsigned char> bytes;
    std::size_t alignment;
  };

  std::map<std::string, std::string> metadata_;
  std::vector<Pending> tensors_;
};

// A model file mapped read-only. open() validates the whole header against the file before returning
// (header length, JSON, every entry, offsets covering the data area exactly), so a truncated, corrupt or
// hostile file is an Error(kFormat, path, ...) that says which tensor and which offsets, never a crash.
// Immutable once open; safe to share across threads.
class ModelFile {
 public:
  // Throws Error(kIo) when the file cannot be opened or mapped, Error(kFormat) when it is not valid.
  [[nodiscard]] static ModelFile open(const std::string& path);

  ModelFile(ModelFile&& other) noexcept = default;
  ModelFile& operator=(ModelFile&& other) noexcept = default;
  ModelFile(const ModelFile&) = delete;
  ModelFile& operator=(const ModelFile&) = delete;

  const std::string& path() const { return path_; }
  std::size_t file_size() const { return file_->size(); }
  // Keeps the mapping, and so every tensor's data, valid while it lives: for what is used in place beyond
  // this object's life (the fluency model's tables).
  std::shared_ptr<const void> keep_alive() const { return file_; }

  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // The value of metadata key; Error(kFormat, path, "no metadata 'key'") when absent.
  const std::string& metadata(std::string_view key) const;

  // The tensors in file order, without the "__pad.*" fillers.
  const std::vector<Tensor>& tensors() const { return tensors_; }
  std::vector<std::string> names() const;

  // nullptr when there is no such tensor.
  const Tensor* find(std::string_view name) const;
  // Error(kFormat, path, "no tensor 'name'") when there is no such tensor.
  const Tensor& tensor(std::string_view name) const;

  // The data of a tensor after checking its dtype and shape, e.g.
  // Error(kFormat, path, "tensor 'w' has shape [3,4], expected [3,5]"). A dimension of kAnyDim in
  // `expected` matches any size (the length of an opaque blob, for instance).
  static constexpr std::int64_t kAnyDim = -1;
  const float* f32(std::string_view name, const Shape& expected) const;
  const std::int8_t* i8(std::string_view name, const Shape& expected) const;
  const std::uint8_t* u8(std::string_view name, const Shape& expected) const;
  const std::int32_t* i32(std::string_view name, const Shape& expected) const;
  const std::int64_t* i64(std::string_view name, const Shape& expected) const;

 private:
  ModelFile() = default;
  void validate();
  const void* checked(std::string_view name, DType dtype, const Shape& expected) const;

  std::string path_;
  std::shared_ptr<const MappedFile> file_;  // the tensors' data point into it
  std::map<std::string, std::string> metadata_;
  std::vector<Tensor> tensors_;
  std::map<std::string, std::size_t, std::less<>> index_;  // name → position in tensors_
};

}  // namespace sieve::infer
