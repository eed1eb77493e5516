#include "sieve/format/model_file.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <tuple>

#include "error_text.h"

namespace sieve::infer {
namespace {

using sieve::testing::error_text;

// ---------------------------------------------------------------------------------------------------------
// What Python's safetensors would say about a file. The package cannot be installed here, so this mirrors
// the checks of its loader (safetensors/src/tensor.rs: SafeTensors::read_metadata, Metadata::validate):
// header length ≥ 8 bytes and ≤ 100,000,000, 8 + N within the buffer, UTF-8 JSON that deserializes into
// {"__metadata__": {string: string}?, name: {dtype, shape: [usize], data_offsets: (usize, usize)}}, the
// entries sorted by offsets tile [0, end) with each size equal to the shape product × dtype bits / 8
// (checked multiplication), and 8 + N + end equal to the buffer length. Returns "" when it would load the
// file, otherwise the name of safetensors' error.
std::string safetensors_verdict(const std::string& file) {
  if (file.size() < 8) return "HeaderTooSmall";
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= std::uint64_t{static_cast<unsigned char>(file[i])} << (8 * i);
  if (n > 100'000'000) return "HeaderTooLarge";
  if (n > file.size() - 8) return "InvalidHeaderLength";
  if (!simdjson::validate_utf8(file.data() + 8, n)) return "InvalidHeader";
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(file.data() + 8, n).get_object().get(root)) return "InvalidHeaderDeserialization";
  static const std::map<std::string_view, std::uint64_t> kBits = {
      {"BOOL", 8}, {"U8", 8},   {"I8", 8},   {"F8_E5M2", 8}, {"F8_E4M3", 8},
      {"I16", 16}, {"U16", 16}, {"F16", 16}, {"BF16", 16},   {"I32", 32},
      {"U32", 32}, {"F32", 32}, {"F64", 64}, {"I64", 64},    {"U64", 64}};
  struct Info {
    std::uint64_t begin, end, bits;
    bool overflow;
  };
  std::map<std::string_view, Info> tensors;  // serde fills a HashMap: a repeated name replaces the first
  for (const auto field : root) {
    if (field.key == "__metadata__") {
      simdjson::dom::object metadata;
      if (field.value.get_object().get(metadata)) return "InvalidHeaderDeserialization";
      for (const auto entry : metadata) {
        if (!entry.value.is_string()) return "InvalidHeaderDeserialization";
      }
      continue;
    }
    simdjson::dom::object entry;
    std::string_view dtype;
    simdjson::dom::array shape, offsets;
    if (field.value.get_object().get(entry) || entry["dtype"].get_string().get(dtype) ||
        !kBits.count(dtype) || entry["shape"].get_array().get(shape) ||
        entry["data_offsets"].get_array().get(offsets) || offsets.size() != 2) {
      return "InvalidHeaderDeserialization";
    }
    std::map<std::string_view, int> members;
    for (const auto member : entry) {
      if (++members[member.key] > 1) return "InvalidHeaderDeserialization";  // serde: duplicate field
    }
    Info info{0, 0, 1, false};
    for (const auto dim : shape) {
      std::uint64_t size = 0;
      if (dim.get_uint64().get(size)) return "InvalidHeaderDeserialization";
      info.overflow = info.overflow || __builtin_mul_overflow(info.bits, size, &info.bits);
    }
    info.overflow = info.overflow || __builtin_mul_overflow(info.bits, kBits.at(dtype), &info.bits);
    if (offsets.at(0).get_uint64().get(info.begin) || offsets.at(1).get_uint64().get(info.end))
      return "InvalidHeaderDeserialization";
    tensors[field.key] = info;
  }
  std::vector<Info> sorted;
  for (const auto& [name, info] : tensors) sorted.push_back(info);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Info& a, const Info& b) {
    return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
  });
  std::uint64_t start = 0;
  for (const Info& info : sorted) {
    if (info.begin != start || info.end < info.begin) return "InvalidOffset";
    start = info.end;
    if (info.overflow) return "ValidationOverflow";
    if (info.bits % 8 != 0) return "MisalignedSlice";
    if (info.end - info.begin != info.bits / 8) return "TensorInvalidInfo";
  }
  if (start + 8 + n != file.size()) return "MetadataIncompleteBuffer";
  return "";
}

// ---------------------------------------------------------------------------------------------------------
// The header of a written file, read without the library: length by hand, entries in JSON order.
struct RawEntry {
  std::string name, dtype;
  std::vector<std::uint64_t> shape;
  std::uint64_t begin = 0, end = 0;
};
struct RawHeader {
  std::uint64_t length = 0;
  std::string json;
  std::vector<std::string> keys;  // every top-level key, in order
  std::vector<RawEntry> entries;  // every tensor entry (pads included), in order
};

RawHeader parse_by_hand(const std::string& file) {
  RawHeader header;
  for (int i = 0; i < 8; ++i)
    header.length |= std::uint64_t{static_cast<unsigned char>(file.at(i))} << (8 * i);
  header.json = file.substr(8, header.length);
  simdjson::dom::parser parser;
  simdjson::dom::object root = parser.parse(header.json).get_object().value();
  for (const auto field : root) {
    header.keys.emplace_back(field.key);
    if (field.key == "__metadata__") continue;
    RawEntry entry;
    entry.name = std::string(field.key);
    entry.dtype = std::string(field.value["dtype"].get_string().value());
    for (const auto dim : field.value["shape"].get_array()) entry.shape.push_back(dim.get_uint64().value());
    entry.begin = field.value["data_offsets"].at(0).get_uint64().value();
    entry.end = field.value["data_offsets"].at(1).get_uint64().value();
    header.entries.push_back(entry);
  }
  return header;
}

template <class T>
std::string raw_bytes(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

class ModelFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The pid keeps parallel runs (a plain and a sanitizer build) out of each other's files.
    dir_ = std::filesystem::temp_directory_path() / ("sieve_model_file_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "model.sieve").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Tensors of every dtype, a scalar, an empty tensor and a blob with zero bytes in it.
  ModelFileWriter sample_writer() const {
    ModelFileWriter writer;
    writer.set_metadata("sieve",
                        R"({"format_version":1,"heads":["coordinated","lang"],"note":"中文 français"})");
    writer.set_metadata("producer", "model_file_test");
    writer.add_tensor("embed.weight", DType::kF32, {3, 4}, embed_.data(), embed_.size() * 4);
    writer.add_tensor("int8.weight", DType::kI8, {2, 5}, int8_.data(), int8_.size());
    writer.add_tensor("int8.scales", DType::kF32, {2}, scales_.data(), scales_.size() * 4);
    writer.add_tensor("tokenizer.model", DType::kU8, {13}, blob_.data(), blob_.size());
    writer.add_tensor("vocab.ids", DType::kI32, {4}, ids_.data(), ids_.size() * 4);
    writer.add_tensor("empty", DType::kF32, {0, 4}, nullptr, 0);
    writer.add_tensor("scalar", DType::kF32, {}, &scalar_, 4);
    writer.add_tensor("counts", DType::kI64, {2}, counts_.data(), counts_.size() * 8);
    return writer;
  }
  std::string write_sample() const {
    sample_writer().write(path_);
    return bytes();
  }

  std::string bytes() const {
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void overwrite(const std::string& content) const {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << content;
  }
  // A file with header `json`, padded with spaces to a multiple of 8 bytes as safetensors' writer does,
  // followed by data_bytes zero bytes.
  void write_raw(std::string json, std::size_t data_bytes) const {
    json.append((8 - json.size() % 8) % 8, ' ');
    std::string file(8, '\0');
    for (int i = 0; i < 8; ++i) file[i] = static_cast<char>(std::uint64_t{json.size()} >> (8 * i));
    overwrite(file + json + std::string(data_bytes, '\0'));
  }

  std::string open_error() const {
    return error_text([&] { (void)ModelFile::open(path_); });
  }
  std::string format_error(const std::string& message) const { return "format: " + path_ + ": " + message; }

  std::filesystem::path dir_;
  std::string path_;
  std::vector<float> embed_ = {-1.5f, -1.f, -0.5f, 0.f, 0.5f, 1.f, 1.5f, 2.f, 2.5f, 3.f, 3.5f, 1e-30f};
  std::vector<std::int8_t> int8_ = {-128, -1, 0, 1, 127, 5, 6, 7, 8, 9};
  std::vector<float> scales_ = {0.25f, 2.f};
  std::vector<std::uint8_t> blob_ = {0, 1, 2, 's', 'p', 0, 0xFF, 0x80, '\n', '{', '"', ' ', 0};
  std::vector<std::int32_t> ids_ = {0, -5, 1 << 30, 42};
  std::vector<std::int64_t> counts_ = {std::int64_t{1} << 40, -7};
  float scalar_ = 3.25f;
};

// ----- Writing and reading back ---------------------------------------------------------------------------

TEST_F(ModelFileTest, RoundTripsTensorsOfEveryDTypeAndTheMetadata) {
  write_sample();
  const ModelFile file = ModelFile::open(path_);
  EXPECT_EQ(file.names(),
            (std::vector<std::string>{"embed.weight", "int8.weight", "int8.scales", "tokenizer.model",
                                      "vocab.ids", "empty", "scalar", "counts"}));
  EXPECT_EQ(file.metadata(),
            (std::map<std::string, std::string>{
                {"producer", "model_file_test"},
                {"sieve", R"({"format_version":1,"heads":["coordinated","lang"],"note":"中文 français"})"}}));
  EXPECT_EQ(file.metadata("producer"), "model_file_test");

  const float* embed = file.f32("embed.weight", {3, 4});
  EXPECT_EQ(std::vector<float>(embed, embed + 12), embed_);
  const std::int8_t* int8 = file.i8("int8.weight", {2, 5});
  EXPECT_EQ(std::vector<std::int8_t>(int8, int8 + 10), int8_);
  const float* scales = file.f32("int8.scales", {2});
  EXPECT_EQ(std::vector<float>(scales, scales + 2), scales_);
  const std::uint8_t* blob = file.u8("tokenizer.model", {ModelFile::kAnyDim});
  EXPECT_EQ(std::vector<std::uint8_t>(blob, blob + 13), blob_);
  const std::int32_t* ids = file.i32("vocab.ids", {4});
  EXPECT_EQ(std::vector<std::int32_t>(ids, ids + 4), ids_);
  const std::int64_t* counts = file.i64("counts", {2});
  EXPECT_EQ(std::vector<std::int64_t>(counts, counts + 2), counts_);
  EXPECT_EQ(*file.f32("scalar", {}), 3.25f);

  const Tensor& empty = file.tensor("empty");
  EXPECT_EQ(empty.dtype, DType::kF32);
  EXPECT_EQ(empty.shape, (Shape{0, 4}));
  EXPECT_EQ(empty.bytes, 0u);
  const Tensor& weight = file.tensor("int8.weight");
  EXPECT_EQ(weight.dtype, DType::kI8);
  EXPECT_EQ(weight.shape, (Shape{2, 5}));
  EXPECT_EQ(weight.bytes, 10u);
  EXPECT_EQ(weight.elements(), 10u);
  EXPECT_EQ(file.file_size(), bytes().size());
  EXPECT_FALSE(std::filesystem::exists(path_ + ".partial"));
}

TEST_F(ModelFileTest, RoundTripsAFileWithoutTensorsOrMetadata) {
  ModelFileWriter().write(path_);
  const std::string whole = bytes();
  EXPECT_EQ(whole.size(), 64u);  // "{}" padded so that the (empty) data area starts at byte 64
  EXPECT_EQ(whole.substr(8), "{}" + std::string(54, ' '));
  const ModelFile file = ModelFile::open(path_);
  EXPECT_TRUE(file.tensors().empty());
  EXPECT_TRUE(file.metadata().empty());
}

TEST_F(ModelFileTest, PlacesTheDataAndEveryTensorOn64ByteBoundaries) {
  const std::string whole = write_sample();
  const RawHeader header = parse_by_hand(whole);
  const std::uint64_t data_start = 8 + header.length;
  EXPECT_EQ(data_start % 64, 0u);
  int pads = 0;
  for (const RawEntry& e : header.entries) {
    if (e.name.rfind("__pad.", 0) == 0) {
      EXPECT_EQ(e.name, "__pad." + std::to_string(pads++));
      EXPECT_EQ(e.dtype, "U8");
      EXPECT_LT(e.end - e.begin, 64u);
    } else {
      EXPECT_EQ((data_start + e.begin) % 64, 0u) << e.name;
    }
  }
  EXPECT_GT(pads, 0);
  // In memory too: the mapping starts on a page, so file alignment is address alignment.
  const ModelFile file = ModelFile::open(path_);
  for (const Tensor& t : file.tensors()) {
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data) % 64, 0u) << t.name;
  }
  // Padding bytes are zeros.
  for (const RawEntry& e : header.entries) {
    if (e.name.rfind("__pad.", 0) == 0) {
      EXPECT_EQ(whole.substr(data_start + e.begin, e.end - e.begin), std::string(e.end - e.begin, '\0'));
    }
  }
}

TEST_F(ModelFileTest, TensorsWithSmallerAlignmentAreNotPadded) {
  ModelFileWriter writer;
  const std::vector<std::uint8_t> three = {1, 2, 3};
  const std::vector<float> two = {1.f, 2.f};
  writer.add_tensor("a", DType::kU8, {3}, three.data(), 3);
  writer.add_tensor("b", DType::kU8, {3}, three.data(), 3, 1);
  writer.add_tensor("c", DType::kF32, {2}, two.data(), 8, 4);
  writer.write(path_);
  const RawHeader header = parse_by_hand(bytes());
  ASSERT_EQ(header.entries.size(), 4u);
  EXPECT_EQ(header.entries[1].name, "b");
  EXPECT_EQ(header.entries[1].begin, 3u);  // right after a
  EXPECT_EQ(header.entries[2].name, "__pad.0");
  EXPECT_EQ(header.entries[2].end - header.entries[2].begin, 2u);  // 6 → 8
  EXPECT_EQ(header.entries[3].begin, 8u);
  EXPECT_EQ(*ModelFile::open(path_).f32("c", {2}), 1.f);
}

TEST_F(ModelFileTest, WritesTheExactSafetensorsLayout) {
  ModelFileWriter writer;
  writer.set_metadata("sieve", R"({"v":1})");
  writer.set_metadata("a", "x");
  const std::vector<float> w = {1.f, -2.f};
  const std::vector<std::int8_t> b = {1, -1, 127};
  const std::uint8_t c = 0xAB;
  writer.add_tensor("w", DType::kF32, {2}, w.data(), 8);
  writer.add_tensor("b", DType::kI8, {3}, b.data(), 3);
  writer.add_tensor("c", DType::kU8, {1}, &c, 1, 1);
  writer.write(path_);

  const std::string whole = bytes();
  const std::string expected_json = R"({"__metadata__":{"a":"x","sieve":"{\"v\":1}"},)"
                                    R"("w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                    R"("__pad.0":{"dtype":"U8","shape":[56],"data_offsets":[8,64]},)"
                                    R"("b":{"dtype":"I8","shape":[3],"data_offsets":[64,67]},)"
                                    R"("c":{"dtype":"U8","shape":[1],"data_offsets":[67,68]}})";
  std::uint64_t length = 0;
  for (int i = 0; i < 8; ++i) length |= std::uint64_t{static_cast<unsigned char>(whole[i])} << (8 * i);
  EXPECT_EQ((8 + length) % 64, 0u);
  ASSERT_GE(length, expected_json.size());
  EXPECT_LT(length - expected_json.size(), 64u);
  EXPECT_EQ(whole.substr(8, length), expected_json + std::string(length - expected_json.size(), ' '));
  const std::string data = whole.substr(8 + length);
  EXPECT_EQ(data, raw_bytes(w) + std::string(56, '\0') + raw_bytes(b) + "\xAB");
  EXPECT_EQ(raw_bytes(w), std::string("\x00\x00\x80\x3F\x00\x00\x00\xC0", 8));  // little-endian floats

  const RawHeader header = parse_by_hand(whole);
  EXPECT_EQ(header.keys, (std::vector<std::string>{"__metadata__", "w", "__pad.0", "b", "c"}));
  std::uint64_t covered = 0;  // contiguous from 0 to the data size
  for (const RawEntry& e : header.entries) {
    EXPECT_EQ(e.begin, covered) << e.name;
    covered = e.end;
  }
  EXPECT_EQ(covered, data.size());
  EXPECT_EQ(safetensors_verdict(whole), "");
}

TEST_F(ModelFileTest, SameContentGivesIdenticalBytes) {
  const std::string first = write_sample();
  ModelFileWriter writer = sample_writer();
  writer.set_metadata("producer", "model_file_test");  // setting again, in another order, changes nothing
  writer.set_metadata("sieve",
                      R"({"format_version":1,"heads":["coordinated","lang"],"note":"中文 français"})");
  writer.write(path_);
  EXPECT_EQ(bytes(), first);
}

TEST_F(ModelFileTest, MovedFileKeepsItsMappingAndTensors) {
  write_sample();
  ModelFile file = ModelFile::open(path_);
  const float* embed = file.f32("embed.weight", {3, 4});
  ModelFile moved(std::move(file));
  EXPECT_EQ(moved.f32("embed.weight", {3, 4}), embed);
  ModelFileWriter().write((dir_ / "other.sieve").string());
  ModelFile other = ModelFile::open((dir_ / "other.sieve").string());
  other = std::move(moved);
  EXPECT_EQ(other.f32("embed.weight", {3, 4})[11], 1e-30f);
  EXPECT_EQ(other.path(), path_);
}

// ----- Agreement with safetensors --------------------------------------------------------------------------

TEST_F(ModelFileTest, SafetensorsRulesAcceptEveryWrittenFile) {
  EXPECT_EQ(safetensors_verdict(write_sample()), "");
  ModelFileWriter().write(path_);
  EXPECT_EQ(safetensors_verdict(bytes()), "");
  ModelFileWriter only_metadata;
  only_metadata.set_metadata("sieve", "{}");
  only_metadata.write(path_);
  EXPECT_EQ(safetensors_verdict(bytes()), "");
}

TEST_F(ModelFileTest, OpensAFileLaidOutAsSafetensorsWritesIt) {
  // safetensors' own writer: header padded to 8 bytes only, entries in any JSON order, no pads.
  write_raw(R"({"__metadata__":{"format":"pt"},"b":{"dtype":"I8","shape":[3],"data_offsets":[8,11]},)"
            R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
            11);
  EXPECT_EQ(safetensors_verdict(bytes()), "");
  const ModelFile file = ModelFile::open(path_);
  EXPECT_EQ(file.names(), (std::vector<std::string>{"a", "b"}));  // file order is data order
  EXPECT_EQ(file.metadata("format"), "pt");
}

// ----- Corrupt and hostile files ---------------------------------------------------------------------------

TEST_F(ModelFileTest, DetectsTruncationAtEveryLength) {
  const std::string whole = write_sample();
  for (std::size_t size = 0; size < whole.size(); ++size) {
    overwrite(whole.substr(0, size));
    const std::string error = open_error();
    EXPECT_EQ(error.rfind(format_error(""), 0), 0u) << size << ": " << error;
    EXPECT_NE(safetensors_verdict(whole.substr(0, size)), "") << size;
  }
  overwrite(whole.substr(0, 5));
  EXPECT_EQ(open_error(), format_error("not a sieve model file: 5 bytes, too short for a model's header (8 "
                                       "bytes of length, then JSON)"));
  const RawHeader header = parse_by_hand(whole);
  overwrite(whole.substr(0, 30));
  EXPECT_EQ(open_error(), format_error("truncated: expected at least " + std::to_string(8 + header.length) +
                                       " bytes (the header alone), has 30"));
}

// A file cut anywhere in its data says so in one message with both sizes, never by a tensor's offsets.
TEST_F(ModelFileTest, ATruncatedFileSaysTruncatedWithTheSizeItShouldHave) {
  const std::string whole = write_sample();
  const std::size_t data_start = 8 + parse_by_hand(whole).length;
  for (const std::size_t cut : {whole.size() - 1, whole.size() - 20, data_start + 1, data_start}) {
    overwrite(whole.substr(0, cut));
    EXPECT_EQ(open_error(), format_error("truncated: expected " + std::to_string(whole.size()) +
                                         " bytes, has " + std::to_string(cut)))
        << cut;
  }
}

// A JSON-lines file read as a model would have a header length of 8296257382957785723: the first bytes
// decide that it is no model, and the message shows none of them.
TEST_F(ModelFileTest, AFileThatIsNotAModelIsSaidToBeNoneWithoutItsBytes) {
  const std::string not_a_model = format_error(
      "not a sieve model file: it does not start with a model header (an 8-byte little-endian "
      "length up to 100000000, then a JSON object)");
  const std::string gzip_header("\x1F\x8B\x08\0\0\0\0\0\0\x03", 10);
  for (const std::string& content :
       {std::string("{\"id\":\"s1\",\"text\":\"a post, not a model\"}\n"), std::string("id,text\n1,hello\n"),
        gzip_header + "garbage", std::string(64, '\0')}) {
    overwrite(content);
    const std::string error = open_error();
    EXPECT_EQ(error, not_a_model) << content;
    EXPECT_EQ(error.find("8296257382957785723"), std::string::npos);
  }
}

TEST_F(ModelFileTest, RejectsAbsurdHeaderLengths) {
  const std::string whole = write_sample();
  const std::string not_a_model = format_error(
      "not a sieve model file: it does not start with a model header (an 8-byte little-endian "
      "length up to 100000000, then a JSON object)");
  std::string huge = whole;
  std::fill(huge.begin(), huge.begin() + 8, '\xFF');
  overwrite(huge);
  EXPECT_EQ(open_error(), not_a_model);
  EXPECT_EQ(safetensors_verdict(huge), "HeaderTooLarge");
  std::string just_above = whole;
  const std::uint64_t limit = 100'000'001;
  std::memcpy(just_above.data(), &limit, 8);
  overwrite(just_above);
  EXPECT_EQ(open_error(), not_a_model);
  std::string past_end = whole;
  const std::uint64_t length = whole.size() - 7;
  std::memcpy(past_end.data(), &length, 8);
  overwrite(past_end);
  EXPECT_EQ(open_error(), format_error("truncated: expected at least " + std::to_string(whole.size() + 1) +
                                       " bytes (the header alone), has " + std::to_string(whole.size())));
  EXPECT_EQ(safetensors_verdict(past_end), "InvalidHeaderLength");
}

TEST_F(ModelFileTest, RejectsMalformedJson) {
  const auto expect_malformed = [&](const std::string& json) {
    write_raw(json, 0);
    EXPECT_EQ(open_error().rfind(format_error("header: malformed JSON: "), 0), 0u)
        << json << ": " << open_error();
    EXPECT_NE(safetensors_verdict(bytes()), "") << json;
  };
  expect_malformed(R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[0,0]})");
  expect_malformed("{\"\xFF\":{}}");                               // not UTF-8
  overwrite(std::string("\x08\0\0\0\0\0\0\0{}\0\0\0\0\0\0", 16));  // NUL padding instead of spaces
  EXPECT_EQ(open_error().rfind(format_error("header: malformed JSON: "), 0), 0u) << open_error();
  EXPECT_NE(safetensors_verdict(bytes()), "");
  write_raw("[1,2]", 0);  // JSON, but not the object that opens a model's header
  EXPECT_EQ(open_error().rfind(format_error("not a sieve model file: "), 0), 0u) << open_error();
  EXPECT_EQ(safetensors_verdict(bytes()), "InvalidHeaderDeserialization");
}

TEST_F(ModelFileTest, RejectsOffsetsOutsideTheDataArea) {
  write_raw(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 4);
  EXPECT_EQ(open_error(), format_error("truncated: expected 72 bytes, has 68"));
  EXPECT_NE(safetensors_verdict(bytes()), "");
  write_raw(R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[18446744073709551615,18446744073709551615]}})",
            0);
  EXPECT_EQ(open_error(), format_error("truncated: expected 18446744073709551615 bytes, has 104"));
  write_raw(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})", 8);
  EXPECT_EQ(open_error(), format_error("tensor 'w': data_offsets [8,4] end before they begin"));
  EXPECT_EQ(safetensors_verdict(bytes()), "InvalidOffset");
}

TEST_F(ModelFileTest, RejectsOverlappingOffsets) {
  write_raw(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
            R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
            12);
  EXPECT_EQ(open_error(),
            format_error("tensors 'a' at data_offsets [0,8] and 'b' at data_offsets [4,12] overlap"));
  EXPECT_EQ(safetensors_verdict(bytes()), "InvalidOffset");
  // Two names for the same bytes.
  write_raw(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
            R"("b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
            8);
  EXPECT_EQ(open_error(),
            format_error("tensors 'a' at data_offsets [0,8] and 'b' at data_offsets [0,8] overlap"));
  EXPECT_EQ(safetensors_verdict(bytes()), "InvalidOffset");
}

TEST_F(ModelFileTest, RejectsHolesInTheData) {
  write_raw(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
            R"("b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}})",
            20);
  EXPECT_EQ(
      open_error(),
      format_error("hole: data bytes [8,12) belong to no tensor (the next is 'b' at data_offsets [12,20])"));
  EXPECT_EQ(safetensors_verdict(bytes()), "InvalidOffset");
  write_raw(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12);
  EXPECT_EQ(
      open_error(),
      format_error("hole: data bytes [0,4) belong to no tensor (the next is 'a' at data_offsets [4,12])"));
  write_raw(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 12);
  EXPECT_EQ(open_error(), format_error("hole: data bytes [8,12) after the last tensor belong to no tensor"));
  EXPECT_EQ(safetensors_verdict(bytes()), "MetadataIncompleteBuffer");
}

TEST_F(ModelFileTest, RejectsShapesThatDisagreeWithTheOffsets) {
  write_raw(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8);
  EXPECT_EQ(open_error(),
            format_error("tensor 'w': shape [3] of F32 is 12 bytes, data_offsets [0,8] hold 8"));
  EXPECT_EQ(safetensors_verdict(bytes()), "TensorInvalidInfo");
  write_raw(R"({"w":{"dtype":"I64","shape":[],"data_offsets":[0,4]}})", 4);
  EXPECT_EQ(open_error(), format_error("tensor 'w': shape [] of I64 is 8 bytes, data_offsets [0,4] hold 4"));
}

TEST_F(ModelFileTest, RejectsShapesWhoseSizeOverflows) {
  write_raw(R"({"w":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", 0);
  EXPECT_EQ(open_error(), format_error("tensor 'w': shape [4294967296,4294967296] of U8 overflows 64 bits"));
  EXPECT_EQ(safetensors_verdict(bytes()), "ValidationOverflow");
  // The element count fits, the byte count does not.
  write_raw(R"({"w":{"dtype":"I64","shape":[4611686018427387904],"data_offsets":[0,0]}})", 0);
  EXPECT_EQ(open_error(), format_error("tensor 'w': shape [4611686018427387904] of I64 overflows 64 bits"));
  EXPECT_EQ(safetensors_verdict(bytes()), "ValidationOverflow");
  write_raw(R"({"w":{"dtype":"U8","shape":[0,18446744073709551615],"data_offsets":[0,0]}})", 0);
  EXPECT_EQ(open_error(), format_error("tensor 'w': shape dimension 18446744073709551615 is above 2^63-1"));
}

TEST_F(ModelFileTest, RejectsUnknownDTypes) {
  write_raw(R"({"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", 4);
  EXPECT_EQ(open_error(),
            format_error("tensor 'w': unknown dtype 'F16' (this build reads F32, I8, U8, I32, I64)"));
  write_raw(R"({"w":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}})", 4);
  EXPECT_EQ(open_error(),
            format_error("tensor 'w': unknown dtype 'f32' (this build reads F32, I8, U8, I32, I64)"));
  write_raw(R"({"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", 4);
  EXPECT_EQ(open_error(), format_error("tensor 'w': dtype is not a string"));
}

TEST_F(ModelFileTest, RejectsMalformedEntries) {
  const std::string tail = R"(,"data_offsets":[0,4]}})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"w":3})", "tensor 'w': not an object"},
      {R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", "tensor 'w': no 'shape'"},
      {R"({"w":{"dtype":"F32","shape":[1],"offsets":[0,4]}})", "tensor 'w': unknown key 'offsets'"},
      {R"({"w":{"dtype":"F32","dtype":"F32","shape":[1])" + tail, "tensor 'w': duplicate key 'dtype'"},
      {R"({"w":{"dtype":"F32","shape":[-1])" + tail,
       "tensor 'w': shape is not a list of non-negative integers"},
      {R"({"w":{"dtype":"F32","shape":[1.0])" + tail,
       "tensor 'w': shape is not a list of non-negative integers"},
      {R"({"w":{"dtype":"F32","shape":1)" + tail, "tensor 'w': shape is not a list of non-negative integers"},
      {R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}})",
       "tensor 'w': data_offsets is not a pair of non-negative integers"},
      {R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,4]}})",
       "tensor 'w': data_offsets is not a pair of non-negative integers"},
      {R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,4]}})",
       "tensor 'w': data_offsets is not a pair of non-negative integers"},
      {R"({"w":{"dtype":"F32","shape":[1])" + tail.substr(0, tail.size() - 1) +
           R"(,"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
       "header: duplicate key 'w'"},
      {R"({"__metadata__":[],"w":{"dtype":"F32","shape":[1])" + tail,
       "header: '__metadata__' is not an object"},
      {R"({"__metadata__":{"v":1},"w":{"dtype":"F32","shape":[1])" + tail,
       "header: metadata 'v' is not a string"},
      {R"({"__metadata__":{"v":"1","v":"2"},"w":{"dtype":"F32","shape":[1])" + tail,
       "header: duplicate metadata key 'v'"},
      {R"({"__x":{"dtype":"F32","shape":[1])" + tail,
       "tensor '__x': names starting with '__' are reserved for the format"},
      {R"({"__pad.0":{"dtype":"F32","shape":[1])" + tail, "tensor '__pad.0': padding is not a 1-D U8 tensor"},
  };
  for (const auto& [json, message] : cases) {
    write_raw(json, 4);
    EXPECT_EQ(open_error(), format_error(message)) << json;
  }
}

TEST_F(ModelFileTest, RejectsTensorsNotAlignedToTheirElementSize) {
  // Valid for safetensors, but a float* into the mapping would be misaligned.
  write_raw(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
            R"("b":{"dtype":"F32","shape":[1],"data_offsets":[1,5]}})",
            5);
  const std::uint64_t data_start = 8 + parse_by_hand(bytes()).length;
  EXPECT_EQ(open_error(), format_error("tensor 'b': starts at file offset " + std::to_string(data_start + 1) +
                                       ", not a multiple of its 4-byte elements"));
  EXPECT_EQ(safetensors_verdict(bytes()), "");
}

TEST_F(ModelFileTest, QuotesHostileNamesOnOneShortLine) {
  const std::string name = "bad\nname\x01" + std::string(5000, 'x');
  write_raw(R"({")" + std::string("bad\\nname\\u0001") + std::string(5000, 'x') +
                R"(":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}})",
            2);
  const std::string error = open_error();
  EXPECT_EQ(error.rfind(format_error("tensor 'bad\\x0aname\\x01xxx"), 0), 0u) << error;
  EXPECT_NE(error.find("xxx...': unknown dtype 'F16'"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
  EXPECT_LT(error.size(), 400u);
}

// Every flip of every header byte, and random edits of the header: the reader either refuses with a format
// error or accepts a file that safetensors accepts too, and whose tensors lie inside the file.
TEST_F(ModelFileTest, NeverCrashesOrAcceptsAnInvalidFileWhenTheHeaderIsCorrupted) {
  const std::string whole = write_sample();
  const std::size_t header_end = 8 + parse_by_hand(whole).length;
  const auto check = [&](const std::string& corrupt, const std::string& label) {
    overwrite(corrupt);
    try {
      const ModelFile file = ModelFile::open(path_);
      EXPECT_EQ(safetensors_verdict(corrupt), "") << label;
      for (const Tensor& t : file.tensors()) {
        const auto* p = static_cast<const volatile unsigned char*>(t.data);
        for (std::size_t i = 0; i < t.bytes; ++i) (void)p[i];  // faults if a view leaves the mapping
      }
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kFormat) << label << ": " << e.what();
      EXPECT_EQ(e.where(), path_) << label;
    }
  };
  for (std::size_t i = 0; i < header_end; ++i) {
    for (const unsigned char mask : {0x01, 0x08, 0x20, 0x80}) {
      std::string corrupt = whole;
      corrupt[i] = static_cast<char>(corrupt[i] ^ mask);
      check(corrupt, "byte " + std::to_string(i) + " ^ " + std::to_string(mask));
    }
  }
  std::mt19937 rng(20240611);
  const std::string kJsonish = "{}[],:\"0123456789-.e _FIU";
  for (int round = 0; round < 2000; ++round) {
    std::string corrupt = whole;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      const std::size_t at = 8 + rng() % (header_end - 8);
      corrupt[at] = kJsonish[rng() % kJsonish.size()];
    }
    check(corrupt, "round " + std::to_string(round));
  }
}

// ----- Access and writer errors ----------------------------------------------------------------------------

TEST_F(ModelFileTest, ReportsMissingTensorsAndWrongTypedAccessByName) {
  write_sample();
  const ModelFile file = ModelFile::open(path_);
  EXPECT_EQ(file.find("nope"), nullptr);
  EXPECT_EQ(file.find("__pad.0"), nullptr);  // fillers are not tensors
  EXPECT_EQ(error_text([&] { file.tensor("nope"); }), format_error("no tensor 'nope'"));
  EXPECT_EQ(error_text([&] { file.f32("nope", {1}); }), format_error("no tensor 'nope'"));
  EXPECT_EQ(error_text([&] {
              file.f32("embed.weight", {3, 5});
            }),
            format_error("tensor 'embed.weight' has shape [3,4], expected [3,5]"));
  EXPECT_EQ(error_text([&] { file.f32("embed.weight", {12}); }),
            format_error("tensor 'embed.weight' has shape [3,4], expected [12]"));
  EXPECT_EQ(error_text([&] {
              file.f32("int8.weight", {2, 5});
            }),
            format_error("tensor 'int8.weight' is I8, expected F32"));
  EXPECT_EQ(error_text([&] {
              file.u8("tokenizer.model", {ModelFile::kAnyDim, 2});
            }),
            format_error("tensor 'tokenizer.model' has shape [13], expected [?,2]"));
  EXPECT_EQ(error_text([&] { file.i64("counts", {}); }),
            format_error("tensor 'counts' has shape [2], expected []"));
  EXPECT_EQ(error_text([&] { file.metadata("config"); }), format_error("no metadata 'config'"));
}

TEST_F(ModelFileTest, OpenReportsUnreadableFilesAsIoErrors) {
  const std::string missing = (dir_ / "none.sieve").string();
  EXPECT_EQ(error_text([&] { (void)ModelFile::open(missing); }),
            "i/o: " + missing + ": cannot open: No such file or directory");
  EXPECT_EQ(error_text([&] { (void)ModelFile::open(dir_.string()); }),
            "i/o: " + dir_.string() + ": not a regular file");
}

TEST_F(ModelFileTest, WriterRejectsBadTensorsAndKeepsTheGoodOnes) {
  ModelFileWriter writer;
  const std::vector<float> six(6, 1.f);
  writer.add_tensor("w", DType::kF32, {2, 3}, six.data(), 24);
  const auto add = [&](std::string name, DType dtype, Shape shape, std::size_t bytes,
                       std::size_t alignment = 64) {
    return error_text([&] { writer.add_tensor(name, dtype, shape, six.data(), bytes, alignment); });
  };
  EXPECT_EQ(add("w", DType::kF32, {2, 3}, 24), "invalid input: tensor 'w': duplicate name");
  EXPECT_EQ(add("v", DType::kF32, {2, 3}, 20),
            "invalid input: tensor 'v': shape [2,3] of F32 is 24 bytes, the data has 20");
  EXPECT_EQ(add("v", DType::kI64, {3}, 20),
            "invalid input: tensor 'v': shape [3] of I64 is 24 bytes, the data has 20");
  EXPECT_EQ(add("__pad.0", DType::kU8, {4}, 4),
            "invalid input: tensor '__pad.0': names starting with '__' are reserved for the format");
  EXPECT_EQ(add("__metadata__", DType::kU8, {4}, 4),
            "invalid input: tensor '__metadata__': names starting with '__' are reserved for the format");
  EXPECT_EQ(add("", DType::kU8, {4}, 4), "invalid input: tensor '': empty name");
  EXPECT_EQ(add("v", DType::kF32, {2, -3}, 24),
            "invalid input: tensor 'v': negative dimension in shape [2,-3]");
  EXPECT_EQ(add("v", DType::kI8, {std::int64_t{1} << 62, 8}, 8),
            "invalid input: tensor 'v': shape [4611686018427387904,8] of I8 overflows 64 bits");
  EXPECT_EQ(add("v", DType::kF32, {1}, 4, 3),
            "invalid input: tensor 'v': alignment 3 is not a power of two up to 64");
  EXPECT_EQ(add("v", DType::kF32, {1}, 4, 128),
            "invalid input: tensor 'v': alignment 128 is not a power of two up to 64");
  EXPECT_EQ(error_text([&] { writer.add_tensor("v", DType::kF32, {1}, nullptr, 4); }),
            "invalid input: tensor 'v': no data");
  EXPECT_EQ(error_text([&] { writer.set_metadata("k", "\xC3("); }),
            "invalid input: metadata 'k': key or value is not valid UTF-8");
  EXPECT_EQ(writer.tensor_count(), 1u);
  writer.write(path_);
  EXPECT_EQ(ModelFile::open(path_).names(), (std::vector<std::string>{"w"}));
}

TEST_F(ModelFileTest, WriterReportsIoFailuresAndLeavesNoPartialFile) {
  const std::string path = (dir_ / "missing" / "model.sieve").string();
  EXPECT_EQ(error_text([&] { sample_writer().write(path); }),
            "i/o: " + path + ": cannot open for writing: No such file or directory");
  // A directory in the way of the rename.
  std::filesystem::create_directories(dir_ / "taken" / "model.sieve" / "inside");
  const std::string taken = (dir_ / "taken" / "model.sieve").string();
  const std::string error = error_text([&] { sample_writer().write(taken); });
  EXPECT_EQ(error.rfind("i/o: " + taken + ": cannot rename " + taken + ".partial: ", 0), 0u) << error;
  EXPECT_FALSE(std::filesystem::exists(taken + ".partial"));
}

}  // namespace
}  // namespace sieve::infer
