#include "sieve/datasets/record_reader.h"

#include <simdjson.h>

#include <charconv>
#include <cstdio>
#include <iostream>
#include <optional>
#include <unordered_map>

#include "byte_source.h"
#include "csv_parser.h"
#include "row_mapper.h"
#include "sieve/core/error.h"
#include "sieve/core/utf8.h"

namespace sieve::datasets {
namespace {

// A line or record longer than this is a rejected row, never read into memory whole.
constexpr std::size_t kMaxRowBytes = 16u << 20;

FileFormat detect_format(const std::string& path) {
  if (path == "-") return FileFormat::kJsonl;
  const std::string_view name = detail::uncompressed_name(path);
  auto ends_with = [&](std::string_view ext) { return detail::ends_with(name, ext); };
  if (ends_with(".jsonl") || ends_with(".json") || ends_with(".ndjson")) return FileFormat::kJsonl;
  if (ends_with(".csv")) return FileFormat::kCsv;
  if (ends_with(".tsv") || ends_with(".tab")) return FileFormat::kTsv;
  throw Error(ErrorKind::kConfig, path, "cannot tell the format from the name: give it (jsonl, csv or tsv)");
}

}  // namespace

void print_rejected_row(const std::string& where, const std::string& reason) {
  std::cerr << "sieve: " << where << ": " << reason << "\n";
}

struct RecordReader::Impl {
  Impl(const std::string& path, const ReaderConfig& config, RejectHandler on_reject)
      : path(path == "-" ? "<stdin>" : path),
        config(config),
        on_reject(std::move(on_reject)),
        source(path),
        format(config.format == FileFormat::kAuto ? detect_format(path) : config.format),
        mapper(this->config, this->path) {  // the member: the argument may be a temporary
    if (format == FileFormat::kJsonl) {
      lines.emplace(source);
    } else {
      csv.emplace(source, format == FileFormat::kTsv ? '\t' : ',', kMaxRowBytes);
      read_header();
    }
  }

  void read_header() {
    std::vector<std::string_view> header;
    std::size_t line = 0;
    std::string error;
    if (!csv->next(header, line, error)) throw Error(ErrorKind::kFormat, path, "empty file: no header row");
    if (!error.empty())
      throw Error(ErrorKind::kFormat, path + ":" + std::to_string(line), "header: " + error);
    mapper.set_header(header);
  }

  // Reports a bad row (rows: the lines a malformed CSV record swallowed, each counted as the row it
  // probably was); under OnError::kFail, stops the read.
  void reject(std::size_t line, const std::string& reason, std::size_t rows = 1) {
    stats.rejected += rows;
    report(line, reason);
  }

  void report(std::size_t line, const std::string& reason) {
    const std::string where = path + ":" + std::to_string(line);
    if (config.on_error == OnError::kFail) throw Error(ErrorKind::kInvalidInput, where, reason);
    on_reject(where, reason);
  }

  // The end of the data: a compressed stream that stopped early loses the rest of the file, which counts
  // as one bad row where it stopped.
  bool end_of_data(std::size_t line) {
    if (source.failure().empty() || failure_reported) return false;
    failure_reported = true;
    ++stats.rows;
    reject(line, source.failure() + "; the rows before this line were read");
    return false;
  }

  // Time is read only for the commands that use it: elsewhere a time that cannot be read costs nothing.
  bool accept(std::size_t line, const Record& record) {
    ++stats.accepted;
    if (record.unreadable_time.empty()) return true;
    ++stats.untimed;
    if (report_times) {
      report(line, "unreadable time '" + record.unreadable_time.substr(0, 40) +
                       "': the post is read without a time");
    }
    return true;
  }

  bool next_jsonl(Record& record) {
    std::string_view line;
    std::size_t too_long = 0;
    while (lines->next(line, kMaxRowBytes, &too_long)) {
      const std::size_t number = lines->line_number();
      if (too_long) {
        ++stats.rows;
        reject(number, "line of " + std::to_string(too_long) + " bytes is longer than the limit of " +
                           std::to_string(kMaxRowBytes));
        continue;
      }
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      ++stats.rows;
      simdjson::dom::element doc;
      if (const auto error = parser.parse(line.data(), line.size()).get(doc)) {
        reject(number, error == simdjson::UTF8_ERROR
                           ? "invalid UTF-8 (" + std::to_string(utf8::count_invalid(line)) + " bytes)"
                           : std::string("malformed JSON: ") + simdjson::error_message(error));
        continue;
      }
      if (!doc.is_object()) {
        reject(number, "not a JSON object");
        continue;
      }
      std::string reason;
      if (mapper.map_json(doc.get_object().value_unsafe(), number, record, reason))
        return accept(number, record);
      reject(number, reason);
    }
    return end_of_data(lines->line_number() + 1);
  }

  bool next_csv(Record& record) {
    std::vector<std::string_view> fields;
    std::size_t line = 0;
    std::string error;
    while (csv->next(fields, line, error)) {
      std::string reason;
      if (!error.empty()) {
        stats.rows += csv->lines();
        reject(line, error, csv->lines());
        continue;
      }
      ++stats.rows;
      if (mapper.map_csv(fields, line, record, reason)) return accept(line, record);
      reject(line, reason);
    }
    return end_of_data(line);
  }

  std::string path;
  ReaderConfig config;
  RejectHandler on_reject;
  detail::ByteSource source;
  FileFormat format;
  detail::RowMapper mapper;
  std::optional<detail::LineReader> lines;
  std::optional<detail::CsvParser> csv;
  simdjson::dom::parser parser;
  ReadStats stats;
  bool report_times = false;
  bool failure_reported = false;
};

RecordReader::RecordReader(const std::string& path, const ReaderConfig& config, RejectHandler on_reject) {
  config.validate();
  impl_ = std::make_unique<Impl>(path, config, std::move(on_reject));
}

RecordReader::~RecordReader() = default;
RecordReader::RecordReader(RecordReader&&) noexcept = default;

bool RecordReader::next(Record& record) {
  return impl_->format == FileFormat::kJsonl ? impl_->next_jsonl(record) : impl_->next_csv(record);
}

void RecordReader::report_unreadable_times() { impl_->report_times = true; }

const ReadStats& RecordReader::stats() const { return impl_->stats; }
const std::string& RecordReader::path() const { return impl_->path; }

std::vector<Record> read_records(const std::vector<std::string>& paths, const ReaderConfig& config,
                                 ReadStats* stats, RejectHandler on_reject) {
  std::vector<Record> records;
  ReadStats total;
  for (const auto& path : paths) {
    RecordReader reader(path, config, on_reject);
    for (Record record; reader.next(record);) records.push_back(std::move(record));
    total += reader.stats();
  }
  if (stats) *stats = total;
  return records;
}

}  // namespace sieve::datasets
