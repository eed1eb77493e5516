#include "sieve/datasets/embedding_file.h"

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "sieve/core/atomic_file.h"
#include "sieve/core/error.h"
#include "sieve/core/file_bytes.h"
#include "sieve/core/hash.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "embedding files are little-endian; this host would need byte swaps");

namespace sieve::datasets {
namespace {

constexpr char kMagic[8] = {'S', 'I', 'E', 'V', 'E', 'E', 'M', 'B'};
constexpr std::size_t kHeaderBytes = 72;
constexpr std::size_t kChecksumBytes = 8;
// Wider rows than any model of ours uses: a larger value is a corrupt header, not a table.
constexpr std::uint32_t kMaxDim = 4096;
constexpr std::uint32_t kMaxNoteBytes = 1u << 20;

std::uint64_t padded(std::uint64_t bytes) { return (bytes + 7) / 8 * 8; }

template <typename T>
void put(std::string& out, std::size_t at, T value) {
  std::memcpy(out.data() + at, &value, sizeof(T));
}

template <typename T>
T get(const std::string& in, std::size_t at) {
  T value;
  std::memcpy(&value, in.data() + at, sizeof(T));
  return value;
}

std::string header(const EmbeddingTable& table) {
  const TableIdentity& id = table.identity;
  std::string out(kHeaderBytes, '\0');
  std::memcpy(out.data(), kMagic, 8);
  put<std::uint32_t>(out, 8, kEmbeddingFileVersion);
  put<std::uint32_t>(out, 12, id.rows);
  put<std::uint32_t>(out, 16, table.dim);
  put<std::uint32_t>(out, 20, id.vocab_size);
  put<std::uint64_t>(out, 24, id.tokenizer_xxh3);
  put<std::uint64_t>(out, 32, id.normalizer_xxh3);
  put<std::uint64_t>(out, 40, id.hash_seed);
  put<std::uint32_t>(out, 48, id.hash_buckets);
  put<std::int32_t>(out, 52, id.char_ngram_min);
  put<std::int32_t>(out, 56, id.char_ngram_max);
  put<std::uint32_t>(out, 60, id.subword_bigrams ? 1u : 0u);
  put<std::uint32_t>(out, 64, static_cast<std::uint32_t>(table.note_json.size()));
  return out;
}

// The header's fields, each checked against what the file's size allows.
EmbeddingTable parse_header(const std::string& bytes, const std::string& path) {
  if (bytes.size() < kHeaderBytes + kChecksumBytes) {
    throw Error(ErrorKind::kFormat, path,
                "truncated: " + std::to_string(bytes.size()) + " bytes, less than the " +
                    std::to_string(kHeaderBytes + kChecksumBytes) + " of a header and checksum");
  }
  if (std::memcmp(bytes.data(), kMagic, 8) != 0)
    throw Error(ErrorKind::kFormat, path,
                "not an embeddings file of 'sieve embed train' (no SIEVEEMB magic)");
  const auto version = get<std::uint32_t>(bytes, 8);
  if (version != kEmbeddingFileVersion) {
    throw Error(ErrorKind::kFormat, path,
                "version " + std::to_string(version) + "; this build reads version " +
                    std::to_string(kEmbeddingFileVersion));
  }
  EmbeddingTable table;
  TableIdentity& id = table.identity;
  id.rows = get<std::uint32_t>(bytes, 12);
  table.dim = get<std::uint32_t>(bytes, 16);
  id.vocab_size = get<std::uint32_t>(bytes, 20);
  id.tokenizer_xxh3 = get<std::uint64_t>(bytes, 24);
  id.normalizer_xxh3 = get<std::uint64_t>(bytes, 32);
  id.hash_seed = get<std::uint64_t>(bytes, 40);
  id.hash_buckets = get<std::uint32_t>(bytes, 48);
  id.char_ngram_min = get<std::int32_t>(bytes, 52);
  id.char_ngram_max = get<std::int32_t>(bytes, 56);
  id.subword_bigrams = get<std::uint32_t>(bytes, 60) != 0;
  const auto note_bytes = get<std::uint32_t>(bytes, 64);
  if (id.rows == 0 || table.dim == 0 || table.dim > kMaxDim || id.vocab_size > id.rows ||
      note_bytes > kMaxNoteBytes) {
    throw Error(ErrorKind::kFormat, path,
                "corrupt header: " + std::to_string(id.rows) + " rows of width " + std::to_string(table.dim) +
                    ", vocabulary " + std::to_string(id.vocab_size) + ", note of " +
                    std::to_string(note_bytes) + " bytes");
  }
  const std::uint64_t expected =
      kHeaderBytes + padded(note_bytes) + std::uint64_t{4} * id.rows * table.dim + kChecksumBytes;
  if (bytes.size() != expected) {
    throw Error(ErrorKind::kFormat, path,
                (bytes.size() < expected ? "truncated: " : "longer than its header says: ") +
                    std::to_string(bytes.size()) + " bytes, " + std::to_string(id.rows) + " rows of width " +
                    std::to_string(table.dim) + " take " + std::to_string(expected));
  }
  table.note_json.assign(bytes, kHeaderBytes, note_bytes);
  return table;
}

void require(bool same, const char* field, const std::string& mine, const std::string& theirs,
             std::string& out) {
  if (same || !out.empty()) return;
  out = std::string(field) + ": " + mine + " in the file, " + theirs + " in the shards";
}

std::string hex(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

TableIdentity TableIdentity::of_settings(std::uint32_t vocab_size, std::string_view tokenizer_bytes,
                                         std::string_view normalizer_json, std::string_view featurizer_json) {
  simdjson::dom::parser parser;
  simdjson::dom::element normalizer, featurizer;
  TableIdentity id;
  std::uint64_t buckets = 0;
  std::int64_t ngram_min = 0, ngram_max = 0;
  if (parser.parse(normalizer_json).get(normalizer))
    throw Error(ErrorKind::kFormat, "normalizer settings", "not JSON");
  // Minified through one JSON library on both sides, so equal settings give equal bytes however they
  // were written.
  id.normalizer_xxh3 = hash64(simdjson::minify(normalizer), 0);
  simdjson::dom::parser featurizer_parser;
  if (featurizer_parser.parse(featurizer_json).get(featurizer) ||
      featurizer["hash_buckets"].get_uint64().get(buckets) ||
      featurizer["subword_bigrams"].get_bool().get(id.subword_bigrams) ||
      featurizer["char_ngram_min"].get_int64().get(ngram_min) ||
      featurizer["char_ngram_max"].get_int64().get(ngram_max) ||
      featurizer["seed"].get_uint64().get(id.hash_seed)) {
    throw Error(ErrorKind::kFormat, "featurizer settings",
                "lacks hash_buckets, subword_bigrams, char_ngram_min, char_ngram_max or seed");
  }
  id.vocab_size = vocab_size;
  id.hash_buckets = static_cast<std::uint32_t>(buckets);
  id.rows = vocab_size + id.hash_buckets;
  id.char_ngram_min = static_cast<std::int32_t>(ngram_min);
  id.char_ngram_max = static_cast<std::int32_t>(ngram_max);
  id.tokenizer_xxh3 = hash64(tokenizer_bytes, 0);
  return id;
}

TableIdentity TableIdentity::of_shards(const std::string& dir) {
  const std::string manifest_path = dir + "/manifest.json";
  const std::string manifest_json =
      read_file(manifest_path, "is this a folder written by 'sieve data prepare'?");
  simdjson::dom::parser parser;
  simdjson::dom::element manifest, tokenizer;
  std::uint64_t vocab_size = 0;
  std::string_view model;
  if (parser.parse(manifest_json).get(manifest) || manifest["tokenizer"].get(tokenizer) ||
      tokenizer["vocab_size"].get_uint64().get(vocab_size) || tokenizer["model"].get_string().get(model) ||
      tokenizer["normalizer"].error() || tokenizer["featurizer"].error()) {
    throw Error(ErrorKind::kFormat, manifest_path,
                "no tokenizer section (model, vocab_size, normalizer, featurizer)");
  }
  const std::string tokenizer_bytes = read_file(dir + "/" + std::string(model), "the shards' tokenizer");
  return of_settings(static_cast<std::uint32_t>(vocab_size), tokenizer_bytes,
                     simdjson::minify(tokenizer["normalizer"]), simdjson::minify(tokenizer["featurizer"]));
}

std::string TableIdentity::difference(const TableIdentity& o) const {
  std::string out;
  require(rows == o.rows, "the number of rows", std::to_string(rows), std::to_string(o.rows), out);
  require(vocab_size == o.vocab_size, "the vocabulary", std::to_string(vocab_size),
          std::to_string(o.vocab_size), out);
  require(tokenizer_xxh3 == o.tokenizer_xxh3, "the tokenizer model's XXH3", hex(tokenizer_xxh3),
          hex(o.tokenizer_xxh3), out);
  require(normalizer_xxh3 == o.normalizer_xxh3, "the normalizer settings' XXH3", hex(normalizer_xxh3),
          hex(o.normalizer_xxh3), out);
  require(hash_buckets == o.hash_buckets, "featurizer.hash_buckets", std::to_string(hash_buckets),
          std::to_string(o.hash_buckets), out);
  require(subword_bigrams == o.subword_bigrams, "featurizer.subword_bigrams", subword_bigrams ? "on" : "off",
          o.subword_bigrams ? "on" : "off", out);
  require(char_ngram_min == o.char_ngram_min && char_ngram_max == o.char_ngram_max,
          "featurizer.char_ngram_min..max",
          std::to_string(char_ngram_min) + ".." + std::to_string(char_ngram_max),
          std::to_string(o.char_ngram_min) + ".." + std::to_string(o.char_ngram_max), out);
  require(hash_seed == o.hash_seed, "featurizer.seed", std::to_string(hash_seed), std::to_string(o.hash_seed),
          out);
  return out;
}

void write_embedding_file(const std::string& path, const EmbeddingTable& table) {
  const std::uint64_t values = std::uint64_t{table.identity.rows} * table.dim;
  if (table.rows.size() != values || table.dim == 0 || table.dim > kMaxDim) {
    throw Error(ErrorKind::kConfig, path,
                "an embedding table of " + std::to_string(table.identity.rows) + " rows of width " +
                    std::to_string(table.dim) + " cannot hold " + std::to_string(table.rows.size()) +
                    " values");
  }
  std::string head = header(table) + table.note_json;
  head.resize(kHeaderBytes + padded(table.note_json.size()), ' ');
  Hasher64 checksum(0);
  checksum.update(head.data(), head.size());
  checksum.update(table.rows.data(), table.rows.size() * sizeof(float));
  const std::uint64_t digest = checksum.digest();
  AtomicFile out(path);
  out.write(head);
  out.write(table.rows.data(), table.rows.size() * sizeof(float));
  out.write(&digest, sizeof digest);
  out.commit();
}

EmbeddingTable read_embedding_file(const std::string& path) {
  const std::string bytes = read_file(path, "embeddings of 'sieve embed train'");
  EmbeddingTable table = parse_header(bytes, path);
  const std::size_t checked = bytes.size() - kChecksumBytes;
  if (hash64(bytes.data(), checked, 0) != get<std::uint64_t>(bytes, checked))
    throw Error(ErrorKind::kFormat, path, "checksum mismatch: the file is corrupt");
  const std::size_t begin = kHeaderBytes + padded(table.note_json.size());
  table.rows.resize(static_cast<std::size_t>(table.identity.rows) * table.dim);
  std::memcpy(table.rows.data(), bytes.data() + begin, table.rows.size() * sizeof(float));
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    if (!std::isfinite(table.rows[i])) {
      throw Error(ErrorKind::kFormat, path,
                  "row " + std::to_string(i / table.dim) + " holds a value that is not finite");
    }
  }
  return table;
}

void require_same_table(const EmbeddingTable& table, const TableIdentity& shards, const std::string& path) {
  const std::string difference = table.identity.difference(shards);
  if (difference.empty()) return;
  throw Error(ErrorKind::kFormat, path,
              "made for another feature table than these shards: " + difference +
                  " (train the embeddings with the shards' tokenizer.model and the run file they were "
                  "prepared with)");
}

}  // namespace sieve::datasets
