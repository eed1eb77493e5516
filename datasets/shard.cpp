#include "sieve/datasets/shard.h"

#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "sieve/core/atomic_file.h"
#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "sieve/core/json_writer.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "shards are little-endian; this host would need byte swaps");

namespace sieve::datasets {
namespace {

constexpr char kMagic[8] = {'S', 'I', 'E', 'V', 'E', 'S', 'H', '1'};
constexpr char kEndMagic[8] = {'S', 'I', 'E', 'V', 'E', 'E', 'N', 'D'};
constexpr std::size_t kHeaderBytes = 40;
constexpr std::size_t kFooterBytes = 16;
constexpr std::size_t kMaxSources = 65535;
constexpr std::size_t kMaxLangs = 255;

std::uint64_t padded(std::uint64_t bytes) { return (bytes + 7) / 8 * 8; }

// Byte sizes of the sections, in file order, for counts read from a header: one function for the writer
// and the reader so the two can never disagree.
struct Layout {
  std::uint64_t json, offsets, ids, subwords, groups, sources, langs, labels, dense;

  Layout(std::uint64_t json_bytes, std::uint64_t records, std::uint64_t ids_count, std::uint64_t heads,
         std::uint64_t dense_width)
      : json(padded(json_bytes)),
        offsets(8 * (records + 1)),
        ids(padded(4 * ids_count)),
        subwords(padded(4 * records)),
        groups(8 * records),
        sources(padded(2 * records)),
        langs(padded(records)),
        labels(padded(records * heads)),
        dense(padded(4 * records * dense_width)) {}

  std::uint64_t total() const {
    return kHeaderBytes + json + offsets + ids + subwords + groups + sources + langs + labels + dense +
           kFooterBytes;
  }
};

std::string info_json(const ShardInfo& info) {
  JsonWriter w;
  w.begin_object();
  w.key("heads").raw(info.schema.to_json());
  w.key("langs").begin_array();
  for (const auto& lang : info.langs) w.value(lang);
  w.end_array();
  w.key("sources").begin_array();
  for (const auto& source : info.sources) w.value(source);
  w.end_array();
  w.key("table_size").value(info.table_size);
  w.end_object();
  return w.take();
}

std::vector<std::string> string_list(simdjson::dom::element doc, const char* key, const std::string& path) {
  simdjson::dom::array array;
  if (doc[key].get_array().get(array))
    throw Error(ErrorKind::kFormat, path, std::string("header: no '") + key + "' list");
  std::vector<std::string> out;
  for (const auto item : array) {
    std::string_view s;
    if (item.get_string().get(s))
      throw Error(ErrorKind::kFormat, path, std::string("header: '") + key + "' holds a non-string");
    out.emplace_back(s);
  }
  return out;
}

// Writes sections and keeps the running CRC-32 of everything written, through AtomicFile (a partial name,
// renamed when complete).
class ChecksummedFile {
 public:
  explicit ChecksummedFile(const std::string& path) : file_(path) {}
  void write(const void* data, std::size_t size) {
    if (size == 0) return;  // an empty section's data() may be null, which crc32_z takes as "start over"
    file_.write(data, size);
    crc_ = ::crc32_z(crc_, static_cast<const Bytef*>(data), size);
  }
  template <class T>
  void write_section(const std::vector<T>& values) {
    write(values.data(), values.size() * sizeof(T));
    static const char kZeros[8] = {};
    write(kZeros, padded(values.size() * sizeof(T)) - values.size() * sizeof(T));
  }
  std::uint32_t crc() const { return static_cast<std::uint32_t>(crc_); }
  void commit() { file_.commit(); }

 private:
  AtomicFile file_;
  uLong crc_ = ::crc32_z(0, nullptr, 0);
};

}  // namespace

ShardWriter::ShardWriter(LabelSchema schema, std::uint32_t table_size, std::uint32_t dense_width) {
  info_.schema = std::move(schema);
  info_.table_size = table_size;
  info_.dense_width = dense_width;
}

std::uint16_t ShardWriter::index_of(std::vector<std::string>& table, const std::string& value,
                                    std::size_t limit) {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i] == value) return static_cast<std::uint16_t>(i);
  }
  if (table.size() >= limit)
    throw Error(
        ErrorKind::kInvalidInput, "shard",
        "more than " + std::to_string(limit) + " distinct values of '" + value + "''s kind in one shard");
  table.push_back(value);
  return static_cast<std::uint16_t>(table.size() - 1);
}

void ShardWriter::add(const Record& record, const std::uint32_t* ids, std::size_t id_count,
                      std::uint32_t subword_count, const float* dense) {
  if (info_.dense_width > 0) {
    if (dense == nullptr)
      throw Error(ErrorKind::kInvalidInput, "record " + record.id, "no dense values for a shard of them");
    for (std::uint32_t j = 0; j < info_.dense_width; ++j) {
      if (!std::isfinite(dense[j])) {
        throw Error(ErrorKind::kInvalidInput, "record " + record.id,
                    "dense value " + std::to_string(j) + " is not finite");
      }
    }
  }
  for (std::size_t i = 0; i < id_count; ++i) {
    if (ids[i] >= info_.table_size) {
      throw Error(ErrorKind::kInvalidInput, "record " + record.id,
                  "feature id " + std::to_string(ids[i]) + " is outside the table of " +
                      std::to_string(info_.table_size));
    }
  }
  if (subword_count > id_count)
    throw Error(ErrorKind::kInvalidInput, "record " + record.id, "more subwords than ids");
  ids_.insert(ids_.end(), ids, ids + id_count);
  offsets_.push_back(ids_.size());
  subword_counts_.push_back(subword_count);
  groups_.push_back(hash64(record.group, 0));
  sources_.push_back(index_of(info_.sources, record.source, kMaxSources));
  langs_.push_back(static_cast<std::uint8_t>(index_of(info_.langs, record.lang, kMaxLangs)));
  for (std::size_t h = 0; h < info_.schema.heads.size(); ++h) {
    labels_.push_back(h < record.labels.size() ? record.labels[h] : kMissingLabel);
  }
  if (info_.dense_width > 0) dense_.insert(dense_.end(), dense, dense + info_.dense_width);
}

std::uint32_t ShardWriter::write(const std::string& path) {
  const std::string json = info_json(info_);
  ChecksummedFile file(path);
  file.write(kMagic, sizeof kMagic);
  const std::uint32_t version = kShardVersion;
  const auto json_bytes = static_cast<std::uint32_t>(json.size());
  const std::uint64_t counts[2] = {records(), ids()};
  const std::uint32_t heads[2] = {static_cast<std::uint32_t>(info_.schema.heads.size()), info_.dense_width};
  file.write(&version, 4);
  file.write(&json_bytes, 4);
  file.write(counts, sizeof counts);
  file.write(heads, sizeof heads);
  file.write_section(std::vector<char>(json.begin(), json.end()));
  file.write_section(offsets_);
  file.write_section(ids_);
  file.write_section(subword_counts_);
  file.write_section(groups_);
  file.write_section(sources_);
  file.write_section(langs_);
  file.write_section(labels_);
  file.write_section(dense_);
  const std::uint32_t crc = file.crc();
  const std::uint32_t footer[2] = {crc, 0};
  file.write(footer, sizeof footer);
  file.write(kEndMagic, sizeof kEndMagic);
  file.commit();
  *this = ShardWriter(std::move(info_.schema), info_.table_size, info_.dense_width);
  return crc;
}

ShardReader::ShardReader(const std::string& path) : file_(path) { validate(path); }

namespace {

// The fixed header's counts.
struct HeaderCounts {
  std::uint32_t version = 0, json_bytes = 0, heads = 0, dense_width = 0;
  std::uint64_t records = 0, ids = 0;
};

// Checks the frame of a shard (size, magic, version, layout, footer, checksum) and returns its counts;
// crc is set to the checksum.
HeaderCounts check_frame(const MappedFile& file, const std::string& path, std::uint32_t& crc) {
  const unsigned char* bytes = file.data();
  auto fail = [&](const std::string& what) { throw Error(ErrorKind::kFormat, path, what); };
  if (file.size() < kHeaderBytes + kFooterBytes) {
    fail("truncated: " + std::to_string(file.size()) + " bytes is smaller than any shard");
  }
  if (std::memcmp(bytes, kMagic, sizeof kMagic) != 0) fail("not a sieve shard (no SIEVESH1 magic)");
  HeaderCounts c;
  std::memcpy(&c.version, bytes + 8, 4);
  std::memcpy(&c.json_bytes, bytes + 12, 4);
  std::memcpy(&c.records, bytes + 16, 8);
  std::memcpy(&c.ids, bytes + 24, 8);
  std::memcpy(&c.heads, bytes + 32, 4);
  std::memcpy(&c.dense_width, bytes + 36, 4);
  if (c.version != kShardVersion && c.version != 1) {
    fail("shard format version " + std::to_string(c.version) + "; this build reads versions 1 to " +
         std::to_string(kShardVersion));
  }
  if (c.version == 1 && c.dense_width != 0) fail("corrupt header: a version 1 shard with dense values");
  // Counts beyond the file's size cannot be right, and would overflow the layout arithmetic.
  if (c.json_bytes > file.size() || c.records > file.size() || c.ids > file.size() || c.heads > 1024 ||
      c.dense_width > 4096) {
    fail("corrupt header: counts larger than the file");
  }
  const Layout layout(c.json_bytes, c.records, c.ids, c.heads, c.dense_width);
  if (layout.total() != file.size()) {
    fail("truncated or padded: " + std::to_string(file.size()) + " bytes, the header says " +
         std::to_string(layout.total()));
  }
  const unsigned char* footer = bytes + file.size() - kFooterBytes;
  static const unsigned char kZeros[4] = {};
  if (std::memcmp(footer + 8, kEndMagic, sizeof kEndMagic) != 0 || std::memcmp(footer + 4, kZeros, 4) != 0) {
    fail("corrupt footer");
  }
  std::uint32_t stored_crc;
  std::memcpy(&stored_crc, footer, 4);
  crc = static_cast<std::uint32_t>(::crc32_z(::crc32_z(0, nullptr, 0), bytes, file.size() - kFooterBytes));
  if (crc != stored_crc) fail("checksum mismatch: the file is corrupt");
  return c;
}

// The JSON part of the header: heads, languages, sources, table size.
ShardInfo read_info(const unsigned char* json, const HeaderCounts& c, const std::string& path) {
  auto fail = [&](const std::string& what) { throw Error(ErrorKind::kFormat, path, what); };
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(reinterpret_cast<const char*>(json), c.json_bytes).get(doc))
    fail("header: malformed JSON");
  simdjson::dom::element heads_json;
  std::uint64_t table_size = 0;
  if (doc["heads"].get(heads_json) || doc["table_size"].get_uint64().get(table_size))
    fail("header: no heads or table_size");
  ShardInfo info;
  info.schema = LabelSchema::from_json(simdjson::minify(heads_json));
  info.langs = string_list(doc, "langs", path);
  info.sources = string_list(doc, "sources", path);
  info.table_size = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(table_size, std::numeric_limits<std::uint32_t>::max()));
  info.dense_width = c.dense_width;
  if (info.schema.heads.size() != c.heads) {
    fail("header: " + std::to_string(c.heads) + " heads, the JSON declares " +
         std::to_string(info.schema.heads.size()));
  }
  return info;
}

}  // namespace

void ShardReader::validate(const std::string& path) {
  const HeaderCounts c = check_frame(file_, path, crc32_);
  info_ = read_info(file_.data() + kHeaderBytes, c, path);
  const Layout layout(c.json_bytes, c.records, c.ids, c.heads, c.dense_width);
  const unsigned char* p = file_.data() + kHeaderBytes + layout.json;
  offsets_ = reinterpret_cast<const std::uint64_t*>(p);
  ids_ = reinterpret_cast<const std::uint32_t*>(p += layout.offsets);
  subword_counts_ = reinterpret_cast<const std::uint32_t*>(p += layout.ids);
  groups_ = reinterpret_cast<const std::uint64_t*>(p += layout.subwords);
  sources_ = reinterpret_cast<const std::uint16_t*>(p += layout.groups);
  langs_ = p += layout.sources;
  labels_ = reinterpret_cast<const std::int8_t*>(p += layout.langs);
  dense_ = c.dense_width > 0 ? reinterpret_cast<const float*>(p += layout.labels) : nullptr;
  records_ = c.records;
  heads_ = c.heads;
  check_records(path, c.ids);
}

// Offsets, indices, labels, dense values and feature ids of every record, against the header.
void ShardReader::check_records(const std::string& path, std::uint64_t ids) const {
  auto fail = [&](const std::string& what) { throw Error(ErrorKind::kFormat, path, what); };
  if (offsets_[0] != 0 || offsets_[records_] != ids) fail("corrupt offsets");
  for (std::size_t i = 0; i < records_; ++i) {
    if (offsets_[i + 1] < offsets_[i] || subword_counts_[i] > offsets_[i + 1] - offsets_[i]) {
      fail("corrupt offsets at record " + std::to_string(i));
    }
    if (langs_[i] >= info_.langs.size() || sources_[i] >= info_.sources.size()) {
      fail("lang or source index out of range at record " + std::to_string(i));
    }
    for (std::size_t h = 0; h < heads_; ++h) {
      const std::int8_t value = labels_[i * heads_ + h];
      if (value != kMissingLabel && (value < 0 || value >= info_.schema.heads[h].num_values())) {
        fail("label " + std::to_string(value) + " of head '" + info_.schema.heads[h].name +
             "' out of range at record " + std::to_string(i));
      }
    }
  }
  const std::size_t dense_width = info_.dense_width;
  for (std::size_t i = 0; i < records_ * dense_width; ++i) {
    if (!std::isfinite(dense_[i]))
      fail("dense value not finite at record " + std::to_string(i / dense_width));
  }
  for (std::size_t i = 0; i < ids; ++i) {
    if (ids_[i] >= info_.table_size) {
      fail("feature id " + std::to_string(ids_[i]) + " is outside the table of " +
           std::to_string(info_.table_size));
    }
  }
}

}  // namespace sieve::datasets
