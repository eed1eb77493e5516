#include "row_mapper.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "sieve/core/error.h"
#include "sieve/core/utf8.h"
#include "sieve/tokenizer/script_hint.h"

namespace sieve::datasets::detail {
namespace {

std::string file_stem(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  return name.substr(0, name.find('.'));
}

// A CSV column index, or -1.
int column_index(const std::vector<std::string_view>& header, const std::string& name) {
  if (name.empty()) return -1;
  const auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : static_cast<int>(it - header.begin());
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool read_number(std::string_view& s, std::size_t digits, int& value) {
  if (s.size() < digits) return false;
  const auto [end, error] = std::from_chars(s.data(), s.data() + digits, value);
  if (error != std::errc() || end != s.data() + digits) return false;
  s.remove_prefix(digits);
  return true;
}

bool skip(std::string_view& s, char c) {
  if (s.empty() || s[0] != c) return false;
  s.remove_prefix(1);
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_time(std::string_view text) {
  std::int64_t seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error == std::errc() && end == text.data() + text.size()) return seconds;
  int year, month, day, hour = 0, minute = 0, second = 0;
  std::string_view s = text;
  if (!read_number(s, 4, year) || !skip(s, '-') || !read_number(s, 2, month) || !skip(s, '-') ||
      !read_number(s, 2, day) || month < 1 || month > 12 || day < 1 || day > 31) {
    return std::nullopt;
  }
  if (!s.empty() && (s[0] == ' ' || s[0] == 'T')) {
    s.remove_prefix(1);
    if (!read_number(s, 2, hour) || !skip(s, ':') || !read_number(s, 2, minute)) return std::nullopt;
    if (skip(s, ':') && !read_number(s, 2, second)) return std::nullopt;
  }
  if (s == "Z" || s == "+00:00") s = {};
  if (!s.empty() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         hour * 3600 + minute * 60 + second;
}

RowMapper::RowMapper(const ReaderConfig& config, const std::string& path)
    : config_(config),
      path_(path),
      default_source_(config.default_source.empty() ? file_stem(path) : config.default_source),
      names_{&config.columns.id,    &config.columns.text,   &config.columns.lang,
             &config.columns.group, &config.columns.source, &config.columns.time} {
  for (const LabelHead& head : config_.schema.heads) {
    label_columns_.push_back(
        config_.columns.fixed_labels.count(head.name) ? "" : config_.columns.label_column(head.name));
  }
  for (const auto& [source, moves] : config_.columns.relabel) {  // validated: every head is in the schema
    for (const auto& [from, to] : moves) {
      relabel_[source].push_back({static_cast<std::size_t>(config_.schema.index_of(from)),
                                  static_cast<std::size_t>(config_.schema.index_of(to))});
    }
  }
}

void RowMapper::set_header(const std::vector<std::string_view>& header) {
  const ColumnMapping& c = config_.columns;
  for (int field = 0; field < kFieldCount; ++field) csv_.fields[field] = column_index(header, *names_[field]);
  if (csv_.fields[static_cast<int>(Field::kText)] < 0) {
    std::string names;
    for (const auto& h : header) names += (names.empty() ? "" : ", ") + std::string(h);
    throw Error(ErrorKind::kFormat, path_ + ":1",
                "no text column '" + c.text + "' in the header (" + names + ")");
  }
  csv_.labels.clear();
  for (const auto& column : label_columns_) csv_.labels.push_back(column_index(header, column));
  csv_width_ = header.size();
}

bool RowMapper::map_csv(const std::vector<std::string_view>& fields, std::size_t line, Record& out,
                        std::string& reason) {
  if (fields.size() != csv_width_) {
    reason = "expected " + std::to_string(csv_width_) + " fields, got " + std::to_string(fields.size());
    return false;
  }
  auto get = [&](Field field, std::size_t head) -> std::optional<std::string_view> {
    const int column = field == Field::kLabel ? csv_.labels[head] : csv_.fields[static_cast<int>(field)];
    if (column < 0 || fields[static_cast<std::size_t>(column)].empty()) return std::nullopt;
    return fields[static_cast<std::size_t>(column)];
  };
  return map(get, line, out, reason);
}

bool RowMapper::map_json(simdjson::dom::object row, std::size_t line, Record& out, std::string& reason) {
  auto get = [&](Field field, std::size_t head) -> std::optional<std::string_view> {
    const std::string* key = field == Field::kLabel ? &label_columns_[head] : names_[static_cast<int>(field)];
    simdjson::dom::element value;
    if (key->empty() || row.at_key(*key).get(value)) return std::nullopt;
    switch (value.type()) {
      case simdjson::dom::element_type::STRING:
        return std::string_view(value);
      case simdjson::dom::element_type::INT64:
        scratch_ = std::to_string(std::int64_t(value));
        return scratch_;
      case simdjson::dom::element_type::UINT64:
        scratch_ = std::to_string(std::uint64_t(value));
        return scratch_;
      case simdjson::dom::element_type::DOUBLE: {
        const double x = double(value);
        char buffer[32];
        std::snprintf(buffer, sizeof buffer,
                      x == static_cast<double>(static_cast<std::int64_t>(x)) ? "%.0f" : "%.17g", x);
        scratch_ = buffer;
        return scratch_;
      }
      case simdjson::dom::element_type::BOOL:
        scratch_ = bool(value) ? "true" : "false";
        return scratch_;
      case simdjson::dom::element_type::NULL_VALUE:
        return std::nullopt;
      default:
        scratch_ = simdjson::minify(value);  // an array or object: kept as JSON text, rejected later if wrong
        return scratch_;
    }
  };
  return map(get, line, out, reason);
}

template <class Get>
bool RowMapper::map(const Get& get, std::size_t line, Record& out, std::string& reason) {
  const auto text = get(Field::kText, 0);
  if (!text) {
    reason = "missing text ('" + config_.columns.text + "')";
    return false;
  }
  reason = text_problem(*text, config_.max_text_bytes);
  if (!reason.empty()) return false;
  out.text.assign(*text);
  const auto id = get(Field::kId, 0);
  out.id = id ? utf8::sanitize(*id) : path_ + ":" + std::to_string(line);
  const auto lang = get(Field::kLang, 0);
  out.lang = lang ? lowercase(*lang) : config_.default_lang;
  if (out.lang.empty()) out.lang = std::string(tokenizer::guess_language(out.text));
  const auto group = get(Field::kGroup, 0);
  out.group = group ? utf8::sanitize(*group) : out.id;
  const auto source = get(Field::kSource, 0);
  out.source = source ? utf8::sanitize(*source) : default_source_;
  out.time = 0;
  out.unreadable_time.clear();
  if (const auto time = get(Field::kTime, 0)) {  // not a reason to reject: most commands never use time
    const auto seconds = parse_time(*time);
    if (seconds) {
      out.time = *seconds;
    } else {
      out.unreadable_time = utf8::sanitize(*time);
    }
  }
  const auto& heads = config_.schema.heads;
  out.labels.assign(heads.size(), kMissingLabel);
  for (std::size_t i = 0; i < heads.size(); ++i) {
    if (label_columns_[i].empty()) {
      out.labels[i] = static_cast<std::int8_t>(config_.columns.fixed_labels.at(heads[i].name));
      continue;
    }
    const auto raw = get(Field::kLabel, i);
    if (raw && !parse_label(i, *raw, out.labels[i], reason)) return false;
  }
  relabel(out);
  return true;
}

void RowMapper::relabel(Record& out) const {
  const auto moves = relabel_.find(out.source);
  if (moves == relabel_.end()) return;
  const std::vector<std::int8_t> read = out.labels;
  for (const auto& [from, to] : moves->second) out.labels[from] = kMissingLabel;
  for (const auto& [from, to] : moves->second) out.labels[to] = read[from];
}

bool RowMapper::parse_label(std::size_t head_index, std::string_view raw, std::int8_t& value,
                            std::string& reason) const {
  const LabelHead& head = config_.schema.heads[head_index];
  const auto map = config_.columns.values.find(head.name);
  if (map != config_.columns.values.end()) {
    const auto it = map->second.find(std::string(raw));
    if (it != map->second.end()) {
      value = static_cast<std::int8_t>(it->second);
      return true;
    }
  } else if (head.binary()) {
    if (raw == "1" || raw == "1.0" || raw == "true" || raw == "True") {
      value = 1;
      return true;
    }
    if (raw == "0" || raw == "0.0" || raw == "false" || raw == "False") {
      value = 0;
      return true;
    }
  } else {
    const auto it = std::find(head.classes.begin(), head.classes.end(), raw);
    if (it != head.classes.end()) {
      value = static_cast<std::int8_t>(it - head.classes.begin());
      return true;
    }
  }
  reason = "unknown value '" + std::string(raw.substr(0, 40)) + "' for label '" + head.name + "'";
  return false;
}

}  // namespace sieve::datasets::detail
