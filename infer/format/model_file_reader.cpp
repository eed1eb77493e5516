// ModelFile: maps a model file and validates its header against it before anything can read a tensor.
// The checks include every check of safetensors' own loader (so whatever opens here opens in Python),
// plus ours: known dtypes only, no unknown or duplicate keys, no reserved names, and each tensor starting
// at a multiple of its element size so that typed pointers into the mapping are valid.

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <tuple>

#include "model_file_format.h"
#include "sieve/core/error.h"
#include "sieve/core/utf8.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "model files are little-endian; this host would need byte swaps");

namespace sieve::infer {
namespace {

using detail::kLengthBytes;
using detail::offsets_text;

// A name as it appears in a one-line message: quoted, control bytes escaped, invalid UTF-8 replaced and
// cut after 100 bytes, because a hostile header may hold a name of megabytes.
std::string shown(std::string_view name) {
  constexpr std::size_t kMaxShown = 100;
  std::string out = "'";
  for (const char c : utf8::sanitize(name.substr(0, kMaxShown))) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out.push_back(c);
    }
  }
  if (name.size() > kMaxShown) out += "...";
  return out + "'";
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Throws the format errors of one file.
struct Checker {
  const std::string& path;
  [[noreturn]] void fail(const std::string& what) const { throw Error(ErrorKind::kFormat, path, what); }
};

// Where the data area lies in the file.
struct DataArea {
  std::uint64_t start;  // file offset of data byte 0
  std::uint64_t size;
};

// One tensor entry of the header, checked on its own.
struct Entry {
  std::string name;
  DType dtype;
  Shape shape;
  std::uint64_t begin, end;
};

std::map<std::string, std::string> read_metadata(simdjson::dom::element value, const Checker& check) {
  simdjson::dom::object object;
  if (value.get_object().get(object)) check.fail("header: '__metadata__' is not an object");
  std::map<std::string, std::string> metadata;
  for (const auto field : object) {
    std::string_view text;
    if (field.value.get_string().get(text))
      check.fail("header: metadata " + shown(field.key) + " is not a string");
    if (!metadata.emplace(field.key, text).second)
      check.fail("header: duplicate metadata key " + shown(field.key));
  }
  return metadata;
}

// The "dtype", "shape" and "data_offsets" members of an entry, each present exactly once, nothing else.
struct EntryFields {
  simdjson::dom::element dtype, shape, offsets;
};

EntryFields entry_fields(simdjson::dom::element value, const std::string& where, const Checker& check) {
  simdjson::dom::object object;
  if (value.get_object().get(object)) check.fail(where + "not an object");
  static const char* const kNames[3] = {"dtype", "shape", "data_offsets"};
  std::optional<simdjson::dom::element> found[3];
  for (const auto field : object) {
    const auto* name = std::find(std::begin(kNames), std::end(kNames), field.key);
    if (name == std::end(kNames)) check.fail(where + "unknown key " + shown(field.key));
    auto& slot = found[name - std::begin(kNames)];
    if (slot) check.fail(where + "duplicate key " + shown(field.key));
    slot = field.value;
  }
  for (int i = 0; i < 3; ++i) {
    if (!found[i]) check.fail(where + "no '" + kNames[i] + "'");
  }
  return {*found[0], *found[1], *found[2]};
}

Shape read_shape(simdjson::dom::element value, const std::string& where, const Checker& check) {
  simdjson::dom::array dims;
  if (value.get_array().get(dims)) check.fail(where + "shape is not a list of non-negative integers");
  Shape shape;
  for (const auto dim : dims) {
    std::uint64_t size = 0;
    if (dim.get_uint64().get(size)) check.fail(where + "shape is not a list of non-negative integers");
    if (size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      check.fail(where + "shape dimension " + std::to_string(size) + " is above 2^63-1");
    shape.push_back(static_cast<std::int64_t>(size));
  }
  return shape;
}

std::pair<std::uint64_t, std::uint64_t> read_offsets(simdjson::dom::element value, const std::string& where,
                                                     const Checker& check) {
  simdjson::dom::array pair;
  std::uint64_t begin = 0, end = 0;
  if (value.get_array().get(pair) || pair.size() != 2 || pair.at(0).get_uint64().get(begin) ||
      pair.at(1).get_uint64().get(end)) {
    check.fail(where + "data_offsets is not a pair of non-negative integers");
  }
  return {begin, end};
}

Entry read_entry(std::string_view name, simdjson::dom::element value, const DataArea& area,
                 const Checker& check) {
  const std::string where = "tensor " + shown(name) + ": ";
  const EntryFields fields = entry_fields(value, where, check);
  Entry entry{std::string(name), DType::kU8, {}, 0, 0};
  std::string_view dtype;
  if (fields.dtype.get_string().get(dtype)) check.fail(where + "dtype is not a string");
  if (!detail::dtype_from_name(dtype, &entry.dtype))
    check.fail(where + "unknown dtype " + shown(dtype) + " (this build reads F32, I8, U8, I32, I64)");
  entry.shape = read_shape(fields.shape, where, check);
  std::tie(entry.begin, entry.end) = read_offsets(fields.offsets, where, check);

  const std::string offsets = "data_offsets " + offsets_text(entry.begin, entry.end);
  if (entry.end < entry.begin) check.fail(where + offsets + " end before they begin");
  // check_complete has made sure that entry.end is within the data area.
  const std::string typed_shape = "shape " + shape_text(entry.shape) + " of " + dtype_name(entry.dtype);
  std::uint64_t bytes = 0;
  if (!detail::byte_size(entry.dtype, entry.shape, &bytes))
    check.fail(where + typed_shape + " overflows 64 bits");
  if (bytes != entry.end - entry.begin) {
    check.fail(where + typed_shape + " is " + std::to_string(bytes) + " bytes, " + offsets + " hold " +
               std::to_string(entry.end - entry.begin));
  }
  const std::uint64_t file_offset = area.start + entry.begin;
  if (file_offset % dtype_size(entry.dtype) != 0) {
    check.fail(where + "starts at file offset " + std::to_string(file_offset) + ", not a multiple of its " +
               std::to_string(dtype_size(entry.dtype)) + "-byte elements");
  }
  if (starts_with(name, detail::kPadPrefix)) {
    if (entry.dtype != DType::kU8 || entry.shape.size() != 1)
      check.fail(where + "padding is not a 1-D U8 tensor");
  } else if (starts_with(name, detail::kReservedPrefix)) {
    check.fail(where + "names starting with '__' are reserved for the format");
  }
  return entry;
}

// Sorts the entries by offsets, as safetensors does, and checks that they tile the data area exactly.
void check_coverage(std::vector<Entry>& entries, std::uint64_t data_size, const Checker& check) {
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
  });
  const auto at = [](const Entry& e) {
    return shown(e.name) + " at data_offsets " + offsets_text(e.begin, e.end);
  };
  std::uint64_t covered = 0;
  const Entry* previous = nullptr;
  for (const Entry& e : entries) {
    if (e.begin < covered) check.fail("tensors " + at(*previous) + " and " + at(e) + " overlap");
    if (e.begin > covered) {
      check.fail("hole: data bytes [" + std::to_string(covered) + "," + std::to_string(e.begin) +
                 ") belong to no tensor (the next is " + at(e) + ")");
    }
    covered = e.end;
    previous = &e;
  }
  if (covered != data_size) {
    check.fail("hole: data bytes [" + std::to_string(covered) + "," + std::to_string(data_size) +
               ") after the last tensor belong to no tensor");
  }
}

std::string expected_shape_text(const Shape& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ',';
    out += shape[i] == ModelFile::kAnyDim ? std::string("?") : std::to_string(shape[i]);
  }
  return out + "]";
}

// The header length, once the file's first bytes show that it is a model file at all: the length
// (below kMaxHeaderBytes, so its high bytes are zero) and the '{' that opens the JSON header are what a
// model file has in place of a magic number. Anything else is "not a sieve model file", said without
// echoing a byte of it: a JSONL file read as a length would be a number in the quintillions.
std::uint64_t header_length(const unsigned char* bytes, std::size_t size, const Checker& check) {
  const std::string not_a_model = "not a sieve model file: ";
  if (size <= kLengthBytes) {
    check.fail(not_a_model + std::to_string(size) + " bytes, too short for a model's header (" +
               std::to_string(kLengthBytes) + " bytes of length, then JSON)");
  }
  std::uint64_t header_bytes = 0;
  for (std::size_t i = 0; i < kLengthBytes; ++i) header_bytes |= std::uint64_t{bytes[i]} << (8 * i);
  if (header_bytes > detail::kMaxHeaderBytes || bytes[kLengthBytes] != '{') {
    check.fail(not_a_model + "it does not start with a model header (an 8-byte little-endian length up to " +
               std::to_string(detail::kMaxHeaderBytes) + ", then a JSON object)");
  }
  if (header_bytes > size - kLengthBytes) {
    check.fail("truncated: expected at least " + std::to_string(kLengthBytes + header_bytes) +
               " bytes (the header alone), has " + std::to_string(size));
  }
  return header_bytes;
}

// The size the header says the file has: the data area ends where the last tensor does. Only entries whose
// data_offsets read as a pair count here; read_entry checks the rest.
void check_complete(simdjson::dom::object root, const DataArea& area, const Checker& check) {
  std::uint64_t end = 0;
  for (const auto field : root) {
    simdjson::dom::array pair;
    std::uint64_t begin = 0, last = 0;
    if (field.key == detail::kMetadataKey || field.value["data_offsets"].get_array().get(pair) ||
        pair.size() != 2 || pair.at(0).get_uint64().get(begin) || pair.at(1).get_uint64().get(last)) {
      continue;
    }
    end = std::max(end, last);
  }
  if (end > area.size) {
    const std::uint64_t expected = end > std::numeric_limits<std::uint64_t>::max() - area.start
                                       ? std::numeric_limits<std::uint64_t>::max()
                                       : area.start + end;
    check.fail("truncated: expected " + std::to_string(expected) + " bytes, has " +
               std::to_string(area.start + area.size));
  }
}

}  // namespace

ModelFile ModelFile::open(const std::string& path) {
  ModelFile file;
  file.path_ = path;
  file.file_ = std::make_shared<const MappedFile>(path);
  file.validate();
  return file;
}

void ModelFile::validate() {
  const Checker check{path_};
  const unsigned char* bytes = file_->data();
  const std::uint64_t header_bytes = header_length(bytes, file_->size(), check);
  const DataArea area{kLengthBytes + header_bytes, file_->size() - kLengthBytes - header_bytes};

  // A padded copy: simdjson reads a little past the end of its input, which must not be the mapping.
  const simdjson::padded_string json(reinterpret_cast<const char*>(bytes + kLengthBytes), header_bytes);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (const auto error = parser.parse(json).get(doc))
    check.fail(std::string("header: malformed JSON: ") + simdjson::error_message(error));
  simdjson::dom::object root;
  if (doc.get_object().get(root)) check.fail("header: not a JSON object");
  check_complete(root, area, check);

  std::vector<Entry> entries;
  std::set<std::string_view> keys;
  for (const auto field : root) {
    if (!keys.insert(field.key).second) check.fail("header: duplicate key " + shown(field.key));
    if (field.key == detail::kMetadataKey) {
      metadata_ = read_metadata(field.value, check);
    } else {
      entries.push_back(read_entry(field.key, field.value, area, check));
    }
  }
  check_coverage(entries, area.size, check);

  for (Entry& e : entries) {
    if (starts_with(e.name, detail::kPadPrefix)) continue;
    index_.emplace(e.name, tensors_.size());
    tensors_.push_back({std::move(e.name), e.dtype, std::move(e.shape), bytes + area.start + e.begin,
                        static_cast<std::size_t>(e.end - e.begin)});
  }
}

const std::string& ModelFile::metadata(std::string_view key) const {
  const auto it = metadata_.find(std::string(key));
  if (it == metadata_.end()) throw Error(ErrorKind::kFormat, path_, "no metadata " + shown(key));
  return it->second;
}

std::vector<std::string> ModelFile::names() const {
  std::vector<std::string> names;
  for (const Tensor& t : tensors_) names.push_back(t.name);
  return names;
}

const Tensor* ModelFile::find(std::string_view name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

const Tensor& ModelFile::tensor(std::string_view name) const {
  const Tensor* t = find(name);
  if (!t) throw Error(ErrorKind::kFormat, path_, "no tensor " + shown(name));
  return *t;
}

const void* ModelFile::checked(std::string_view name, DType dtype, const Shape& expected) const {
  const Tensor& t = tensor(name);
  if (t.dtype != dtype) {
    throw Error(ErrorKind::kFormat, path_,
                "tensor " + shown(name) + " is " + dtype_name(t.dtype) + ", expected " + dtype_name(dtype));
  }
  bool matches = t.shape.size() == expected.size();
  for (std::size_t i = 0; matches && i < expected.size(); ++i) {
    matches = expected[i] == kAnyDim || expected[i] == t.shape[i];
  }
  if (!matches) {
    throw Error(ErrorKind::kFormat, path_,
                "tensor " + shown(name) + " has shape " + shape_text(t.shape) + ", expected " +
                    expected_shape_text(expected));
  }
  return t.data;
}

const float* ModelFile::f32(std::string_view name, const Shape& expected) const {
  return static_cast<const float*>(checked(name, DType::kF32, expected));
}
const std::int8_t* ModelFile::i8(std::string_view name, const Shape& expected) const {
  return static_cast<const std::int8_t*>(checked(name, DType::kI8, expected));
}
const std::uint8_t* ModelFile::u8(std::string_view name, const Shape& expected) const {
  return static_cast<const std::uint8_t*>(checked(name, DType::kU8, expected));
}
const std::int32_t* ModelFile::i32(std::string_view name, const Shape& expected) const {
  return static_cast<const std::int32_t*>(checked(name, DType::kI32, expected));
}
const std::int64_t* ModelFile::i64(std::string_view name, const Shape& expected) const {
  return static_cast<const std::int64_t*>(checked(name, DType::kI64, expected));
}

}  // namespace sieve::infer
