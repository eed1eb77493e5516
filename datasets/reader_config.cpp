#include "sieve/datasets/reader_config.h"

#include <set>

#include "sieve/core/error.h"
#include "sieve/core/utf8.h"

namespace sieve::datasets {
namespace {

constexpr std::size_t kMaxTextLimit = 64u << 20;

void check_head(const LabelSchema& schema, const std::string& head, const std::string& where) {
  if (schema.index_of(head) < 0) {
    std::string known;
    for (const auto& h : schema.heads) known += (known.empty() ? "" : ", ") + h.name;
    throw Error(ErrorKind::kConfig, where, "no label head '" + head + "' (heads: " + known + ")");
  }
}

// Each head read and each head it labels is in the schema, of the same kind, and no head is labelled twice.
void check_relabel(const LabelSchema& schema, const std::string& where,
                   const std::map<std::string, std::string>& moves) {
  std::set<std::string> targets;
  for (const auto& [from, to] : moves) {
    check_head(schema, from, where + "." + from);
    check_head(schema, to, where + "." + from);
    const int from_values = schema.heads[static_cast<std::size_t>(schema.index_of(from))].num_values();
    const int to_values = schema.heads[static_cast<std::size_t>(schema.index_of(to))].num_values();
    if (from == to || from_values != to_values) {
      throw Error(ErrorKind::kConfig, where + "." + from,
                  "'" + to + "' must be another head with as many values as '" + from + "'");
    }
    if (!targets.insert(to).second) throw Error(ErrorKind::kConfig, where, "two heads relabel '" + to + "'");
  }
}

}  // namespace

std::string ColumnMapping::label_column(const std::string& head) const {
  const auto it = labels.find(head);
  return it == labels.end() ? head : it->second;
}

ReaderConfig ReaderConfig::preset(std::string_view name) {
  if (name == "twitter-io") {
    ReaderConfig config;
    config.format = FileFormat::kCsv;
    config.columns.id = "tweetid";
    config.columns.text = "tweet_text";
    config.columns.lang = "tweet_language";
    config.columns.group = "userid";
    config.columns.source = "";
    config.columns.time = "tweet_time";
    config.columns.fixed_labels["coordinated"] = 1;
    config.default_source = "twitter-io";
    return config;
  }
  throw Error(ErrorKind::kConfig, "preset '" + std::string(name) + "'",
              "unknown; the presets are: twitter-io");
}

void ReaderConfig::validate() const {
  schema.validate();
  if (columns.text.empty()) throw Error(ErrorKind::kConfig, "data.text", "the text column must be named");
  if (max_text_bytes == 0 || max_text_bytes > kMaxTextLimit) {
    throw Error(
        ErrorKind::kConfig, "data.max_text_bytes",
        "must be between 1 and " + std::to_string(kMaxTextLimit) + ", got " + std::to_string(max_text_bytes));
  }
  for (const auto& [head, column] : columns.labels) check_head(schema, head, "data.label." + head);
  for (const auto& [head, map] : columns.values) {
    check_head(schema, head, "data.values." + head);
    const LabelHead& h = schema.heads[static_cast<std::size_t>(schema.index_of(head))];
    for (const auto& [raw, value] : map) {
      if (value < 0 || value >= h.num_values()) {
        throw Error(ErrorKind::kConfig, "data.values." + head,
                    "'" + raw + "' maps to " + std::to_string(value) + ", outside 0.." +
                        std::to_string(h.num_values() - 1));
      }
    }
  }
  for (const auto& [source, moves] : columns.relabel) check_relabel(schema, "data.relabel." + source, moves);
  for (const auto& [head, value] : columns.fixed_labels) {
    check_head(schema, head, "data.fixed." + head);
    const int limit = schema.heads[static_cast<std::size_t>(schema.index_of(head))].num_values();
    if (value < 0 || value >= limit) {
      throw Error(ErrorKind::kConfig, "data.fixed." + head,
                  std::to_string(value) + " is outside 0.." + std::to_string(limit - 1));
    }
  }
}

FileFormat format_from_name(std::string_view name) {
  if (name == "auto" || name.empty()) return FileFormat::kAuto;
  if (name == "jsonl") return FileFormat::kJsonl;
  if (name == "csv") return FileFormat::kCsv;
  if (name == "tsv") return FileFormat::kTsv;
  throw Error(ErrorKind::kConfig, "data.format",
              "'" + std::string(name) + "' is not one of auto, jsonl, csv, tsv");
}

std::string text_problem(std::string_view text, std::size_t max_text_bytes) {
  if (text.size() > max_text_bytes) {
    return "text of " + std::to_string(text.size()) + " bytes is longer than the limit of " +
           std::to_string(max_text_bytes);
  }
  if (const std::size_t invalid = utf8::count_invalid(text))
    return "invalid UTF-8 in the text (" + std::to_string(invalid) + " bytes)";
  return {};
}

}  // namespace sieve::datasets
