#pragma once
// `sieve data stats`: what a dataset holds, before anyone trains on it: records and label values per
// language × source, and post lengths per language.

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sieve/datasets/record.h"

namespace sieve::datasets {

class DatasetStats {
 public:
  // Upper bounds (code points, exclusive) of the length histogram's buckets; the last is open.
  static constexpr std::array<std::size_t, 7> kLengthBounds = {10, 20, 50, 100, 200, 500, 1000};

  explicit DatasetStats(LabelSchema schema);
  void add(const Record& record);

  std::size_t records() const { return records_; }
  std::string to_text() const;
  std::string to_json() const;

 private:
  struct Cell {
    std::size_t records = 0;
    std::vector<std::vector<std::size_t>> values;  // [head][value]
  };
  LabelSchema schema_;
  std::size_t records_ = 0;
  std::map<std::pair<std::string, std::string>, Cell> cells_;                         // (lang, source)
  std::map<std::string, std::array<std::size_t, kLengthBounds.size() + 1>> lengths_;  // per lang
};

}  // namespace sieve::datasets
