#pragma once
// Pretrained rows of the feature table (`sieve embed train`), read by sieve-train to start the bag table from
// them. Written on the SentencePiece side and read on the LibTorch side, so the format and its one reader and
// writer live here, in the library both link. The layout is in docs/pretraining.md: a fixed little-endian
// header, a JSON note of how the rows were learned, rows × dim float32, and an XXH3 checksum of all of it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sieve::datasets {

inline constexpr std::uint32_t kEmbeddingFileVersion = 1;

// What the rows of a feature table stand for: the tokenizer model, the normalizer and the featurizer's
// hashing settings. Two tables with equal identities give every feature the same row.
struct TableIdentity {
  std::uint32_t rows = 0;             // vocab_size + hash_buckets
  std::uint32_t vocab_size = 0;       // subword rows come first
  std::uint64_t tokenizer_xxh3 = 0;   // hash64 (seed 0) of the SentencePiece model's bytes
  std::uint64_t normalizer_xxh3 = 0;  // hash64 (seed 0) of the normalizer settings as minified JSON
  std::uint32_t hash_buckets = 0;     // the featurizer settings that decide hashed ids
  bool subword_bigrams = false;
  std::int32_t char_ngram_min = 0;
  std::int32_t char_ngram_max = 0;
  std::uint64_t hash_seed = 0;

  // The identity of a folder written by `sieve data prepare`: its manifest and tokenizer.model. Throws
  // Error(kFormat) naming the manifest when it lacks a field, Error(kIo) when a file cannot be read.
  static TableIdentity of_shards(const std::string& dir);
  // One identity from the parts a manifest stores: normalizer and featurizer settings as JSON.
  static TableIdentity of_settings(std::uint32_t vocab_size, std::string_view tokenizer_bytes,
                                   std::string_view normalizer_json, std::string_view featurizer_json);
  // "" when equal, else the first difference, this identity as the file's and other as the shards'
  // ("featurizer.hash_buckets: 1024 in the file, 262144 in the shards").
  std::string difference(const TableIdentity& other) const;
  bool operator==(const TableIdentity& other) const { return difference(other).empty(); }
};

// A table of pretrained rows: row i is rows[i · dim, (i + 1) · dim).
struct EmbeddingTable {
  TableIdentity identity;
  std::uint32_t dim = 0;
  std::string note_json = "{}";  // how the rows were learned (options, texts, seconds): for people
  std::vector<float> rows;

  const float* row(std::uint32_t i) const { return rows.data() + static_cast<std::size_t>(i) * dim; }
};

// Writes the table atomically (core/atomic_file.h). Throws Error(kConfig) for a table whose rows do not
// hold identity.rows × dim values, Error(kIo) when the file cannot be written.
void write_embedding_file(const std::string& path, const EmbeddingTable& table);

// Reads and checks every byte before use: a short, padded or corrupt file, another magic or version is
// Error(kFormat, path, what is wrong); a missing one Error(kIo).
EmbeddingTable read_embedding_file(const std::string& path);

// Throws Error(kFormat, path, ...) naming the first difference between the file's identity and the
// shards' (and saying to train the embeddings with the shards' tokenizer and settings).
void require_same_table(const EmbeddingTable& table, const TableIdentity& shards, const std::string& path);

}  // namespace sieve::datasets
