#pragma once
// Shards: the features and labels of prepared records in one binary file each, written by
// `sieve data prepare` and memory-mapped by the trainer. The layout is in docs/data.md; every field is
// little-endian and of fixed width, every section 8-byte aligned, and a CRC-32 covers the whole file.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sieve/core/mapped_file.h"
#include "sieve/datasets/record.h"

namespace sieve::datasets {

// Version 2 added the dense section; version 1 shards (no dense values) are still read.
inline constexpr std::uint32_t kShardVersion = 2;

// What a shard says about itself, stored as JSON in its header.
struct ShardInfo {
  LabelSchema schema;
  std::vector<std::string> langs;    // Record::lang of lang index i
  std::vector<std::string> sources;  // Record::source of source index i
  std::uint32_t table_size = 0;      // every feature id is below this (vocabulary + hash buckets)
  std::uint32_t dense_width = 0;     // values per record of the dense channel (style, fluency); 0: none
};

// Collects records in memory and writes them as one shard. The file appears only when complete:
// it is written under a temporary name and renamed.
class ShardWriter {
 public:
  ShardWriter(LabelSchema schema, std::uint32_t table_size, std::uint32_t dense_width = 0);

  // ids: subword ids first (subword_count of them), then the hashed features; dense: dense_width finite
  // values (ignored when dense_width is 0).
  void add(const Record& record, const std::uint32_t* ids, std::size_t id_count, std::uint32_t subword_count,
           const float* dense = nullptr);
  std::size_t records() const { return subword_counts_.size(); }
  std::size_t ids() const { return ids_.size(); }

  // Writes the shard and returns its CRC-32; the writer is empty afterwards. Throws Error(kIo).
  std::uint32_t write(const std::string& path);

 private:
  std::uint16_t index_of(std::vector<std::string>& table, const std::string& value, std::size_t limit);

  ShardInfo info_;
  std::vector<std::uint64_t> offsets_{0};
  std::vector<std::uint32_t> ids_;
  std::vector<std::uint32_t> subword_counts_;
  std::vector<std::uint64_t>
      groups_;  // hash64 of Record::group: splits and per-group metrics need only identity
  std::vector<std::uint16_t> sources_;
  std::vector<std::uint8_t> langs_;
  std::vector<std::int8_t> labels_;  // records × heads, kMissingLabel when unknown
  std::vector<float> dense_;         // records × dense_width
};

// A shard mapped read-only. Opening checks everything (size, magic, version, checksum, offsets, id and
// label ranges), so a truncated or corrupt shard is an Error(kFormat) naming the file, never garbage.
class ShardReader {
 public:
  explicit ShardReader(const std::string& path);
  ShardReader(ShardReader&&) noexcept = default;
  ShardReader& operator=(ShardReader&&) noexcept = default;
  ShardReader(const ShardReader&) = delete;
  ShardReader& operator=(const ShardReader&) = delete;

  const ShardInfo& info() const { return info_; }
  std::size_t size() const { return records_; }
  std::uint32_t crc32() const { return crc32_; }

  // Record i's features: ids()[0, id_count(i)), of which the first subword_count(i) are subword ids.
  const std::uint32_t* ids(std::size_t i) const { return ids_ + offsets_[i]; }
  std::size_t id_count(std::size_t i) const { return offsets_[i + 1] - offsets_[i]; }
  std::uint32_t subword_count(std::size_t i) const { return subword_counts_[i]; }
  // Label of head h for record i, kMissingLabel when unknown.
  std::int8_t label(std::size_t i, std::size_t h) const { return labels_[i * heads_ + h]; }
  // All of record i's labels, one per head.
  const std::int8_t* labels(std::size_t i) const { return labels_ + i * heads_; }
  std::uint8_t lang(std::size_t i) const { return langs_[i]; }
  std::uint16_t source(std::size_t i) const { return sources_[i]; }
  std::uint64_t group(std::size_t i) const { return groups_[i]; }
  // Record i's dense values (info().dense_width of them), or nullptr when the shard has none.
  const float* dense(std::size_t i) const { return dense_ ? dense_ + i * info_.dense_width : nullptr; }

 private:
  void validate(const std::string& path);
  void check_records(const std::string& path, std::uint64_t ids) const;

  ShardInfo info_;
  MappedFile file_;  // the views below point into it
  std::size_t records_ = 0;
  std::size_t heads_ = 0;
  std::uint32_t crc32_ = 0;
  const std::uint64_t* offsets_ = nullptr;
  const std::uint32_t* ids_ = nullptr;
  const std::uint32_t* subword_counts_ = nullptr;
  const std::uint64_t* groups_ = nullptr;
  const std::uint16_t* sources_ = nullptr;
  const std::uint8_t* langs_ = nullptr;
  const std::int8_t* labels_ = nullptr;
  const float* dense_ = nullptr;
};

}  // namespace sieve::datasets
