#pragma once
// Private to datasets/: turns one JSON object or CSV row into a Record by the column mapping, checking
// every field; a row that fails gets a reason instead.

#include <simdjson.h>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sieve/datasets/reader_config.h"
#include "sieve/datasets/record.h"

namespace sieve::datasets::detail {

class RowMapper {
 public:
  RowMapper(const ReaderConfig& config, const std::string& path);

  // CSV: finds the configured columns. Throws Error(kFormat) when the text column is not in the header.
  void set_header(const std::vector<std::string_view>& header);

  bool map_json(simdjson::dom::object row, std::size_t line, Record& out, std::string& reason);
  bool map_csv(const std::vector<std::string_view>& fields, std::size_t line, Record& out,
               std::string& reason);

 private:
  // The fields a row is asked for; the order of names_ and Columns::fields.
  enum class Field { kId, kText, kLang, kGroup, kSource, kTime, kLabel };
  static constexpr int kFieldCount = 6;  // all but kLabel, which is asked per head

  struct Columns {  // CSV column index of each field, -1 when absent
    int fields[kFieldCount] = {-1, -1, -1, -1, -1, -1};
    std::vector<int> labels;
  };
  template <class Get>
  bool map(const Get& get, std::size_t line, Record& out, std::string& reason);
  bool parse_label(std::size_t head, std::string_view raw, std::int8_t& value, std::string& reason) const;
  void relabel(Record& out) const;  // ColumnMapping::relabel of the row's source

  const ReaderConfig& config_;
  std::string path_;
  std::string default_source_;
  const std::string* names_[kFieldCount];   // the configured column of each field
  std::vector<std::string> label_columns_;  // per head; "" for a fixed label
  // source → (head read, head it labels), by index
  std::map<std::string, std::vector<std::pair<std::size_t, std::size_t>>, std::less<>> relabel_;
  Columns csv_;
  std::size_t csv_width_ = 0;
  std::string scratch_;
};

// Seconds since 1970 from digits or "YYYY-MM-DD[ HH:MM[:SS]]" (UTC, 'T' also accepted); nullopt if neither.
std::optional<std::int64_t> parse_time(std::string_view text);

}  // namespace sieve::datasets::detail
