#include "sieve/datasets/dataset_stats.h"

#include <cstdio>

#include "sieve/core/json_writer.h"

namespace sieve::datasets {
namespace {

std::size_t code_points(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string bucket_name(std::size_t b) {
  const auto& bounds = DatasetStats::kLengthBounds;
  if (b == bounds.size()) return std::to_string(bounds.back()) + "+";
  return (b == 0 ? "0" : std::to_string(bounds[b - 1])) + "-" + std::to_string(bounds[b] - 1);
}

}  // namespace

DatasetStats::DatasetStats(LabelSchema schema) : schema_(std::move(schema)) {}

void DatasetStats::add(const Record& record) {
  ++records_;
  Cell& cell = cells_[{record.lang, record.source}];
  if (cell.values.empty()) {
    for (const LabelHead& head : schema_.heads) cell.values.emplace_back(head.num_values(), 0);
  }
  ++cell.records;
  for (std::size_t h = 0; h < record.labels.size() && h < cell.values.size(); ++h) {
    if (record.labels[h] != kMissingLabel) ++cell.values[h][static_cast<std::size_t>(record.labels[h])];
  }
  const std::size_t length = code_points(record.text);
  std::size_t bucket = 0;
  while (bucket < kLengthBounds.size() && length >= kLengthBounds[bucket]) ++bucket;
  auto& histogram = lengths_[record.lang];
  ++histogram[bucket];
}

// One row per language × source: records, then per head "positives/labelled" (binary) or labelled count.
std::string DatasetStats::to_text() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-6s %-14s %9s", "lang", "source", "records");
  out += line;
  for (const LabelHead& head : schema_.heads) {
    std::snprintf(line, sizeof line, " %18s", head.name.c_str());
    out += line;
  }
  out += "\n";
  for (const auto& [key, cell] : cells_) {
    std::snprintf(line, sizeof line, "%-6s %-14s %9zu", key.first.c_str(), key.second.c_str(), cell.records);
    out += line;
    for (std::size_t h = 0; h < schema_.heads.size(); ++h) {
      std::size_t labelled = 0;
      for (const auto n : cell.values[h]) labelled += n;
      std::string value = labelled == 0 ? "-"
                          : schema_.heads[h].binary()
                              ? std::to_string(cell.values[h][1]) + "/" + std::to_string(labelled)
                              : std::to_string(labelled);
      std::snprintf(line, sizeof line, " %18s", value.c_str());
      out += line;
    }
    out += "\n";
  }
  out += "\nlength (code points) per language:\n";
  std::snprintf(line, sizeof line, "%-6s", "lang");
  out += line;
  for (std::size_t b = 0; b <= kLengthBounds.size(); ++b) {
    std::snprintf(line, sizeof line, " %9s", bucket_name(b).c_str());
    out += line;
  }
  out += "\n";
  for (const auto& [lang, histogram] : lengths_) {
    std::snprintf(line, sizeof line, "%-6s", lang.c_str());
    out += line;
    for (const auto n : histogram) {
      std::snprintf(line, sizeof line, " %9zu", n);
      out += line;
    }
    out += "\n";
  }
  return out;
}

std::string DatasetStats::to_json() const {
  JsonWriter w;
  w.begin_object().key("records").value(records_).key("heads").raw(schema_.to_json());
  w.key("cells").begin_array();
  for (const auto& [key, cell] : cells_) {
    w.begin_object()
        .key("lang")
        .value(key.first)
        .key("source")
        .value(key.second)
        .key("records")
        .value(cell.records);
    w.key("labels").begin_object();
    for (std::size_t h = 0; h < schema_.heads.size(); ++h) {
      w.key(schema_.heads[h].name).begin_array();
      for (const auto n : cell.values[h]) w.value(n);
      w.end_array();
    }
    w.end_object().end_object();
  }
  w.end_array();
  w.key("lengths").begin_object();
  for (const auto& [lang, histogram] : lengths_) {
    w.key(lang).begin_object();
    for (std::size_t b = 0; b < histogram.size(); ++b) w.key(bucket_name(b)).value(histogram[b]);
    w.end_object();
  }
  w.end_object().end_object();
  return w.take();
}

}  // namespace sieve::datasets
