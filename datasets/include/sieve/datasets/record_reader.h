#pragma once
// Streams records out of a JSONL, CSV or TSV file (optionally .gz or .zst), mapping columns, validating
// each row and applying the error policy. Memory does not grow with the file.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sieve/datasets/reader_config.h"
#include "sieve/datasets/record.h"

namespace sieve::datasets {

// Called for every rejected row with "<file>:<line>" and the reason, and for the warnings a caller asks for
// (RecordReader::report_unreadable_times).
using RejectHandler = std::function<void(const std::string& where, const std::string& reason)>;

// Prints "sieve: <where>: <reason>" on stderr.
void print_rejected_row(const std::string& where, const std::string& reason);

struct ReadStats {
  std::size_t rows = 0;      // data rows seen (header and blank lines excluded)
  std::size_t accepted = 0;  // records returned
  std::size_t rejected = 0;  // rows reported to the RejectHandler
  std::size_t untimed = 0;   // of the accepted, those whose time could not be read (Record::unreadable_time)

  ReadStats& operator+=(const ReadStats& other) {
    rows += other.rows;
    accepted += other.accepted;
    rejected += other.rejected;
    untimed += other.untimed;
    return *this;
  }
};

class RecordReader {
 public:
  // Throws Error(kIo) when the file cannot be opened, Error(kFormat) when a CSV file has no usable header
  // (no text column, say).
  RecordReader(const std::string& path, const ReaderConfig& config,
               RejectHandler on_reject = print_rejected_row);
  ~RecordReader();
  RecordReader(RecordReader&&) noexcept;

  // The next valid record, or false at the end. A bad row is reported and skipped under OnError::kSkip;
  // under OnError::kFail it throws Error(kInvalidInput, "<file>:<line>", reason). A compressed stream that
  // stops early (truncated, corrupt) ends the records after the last complete row, and the rest of the
  // file is then one bad row, reported where the stream stopped.
  bool next(Record& record);

  // For a caller that uses the records' time (template clusters, account windows). A time that cannot be
  // read never rejects its row: the record comes with time 0 (unknown) and unreadable_time set, so that a
  // command that has no use for time (score, eval, prepare) reads the row, and every pass over a file sees
  // the same rows. After this call each such row is also reported, "<file>:<line>: unreadable time '...':
  // the post is read without a time" (not counted as rejected); under OnError::kFail the read stops there.
  void report_unreadable_times();

  const ReadStats& stats() const;
  const std::string& path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Every record of every file, in order (for data that fits in memory: dedupe, split, tests).
std::vector<Record> read_records(const std::vector<std::string>& paths, const ReaderConfig& config,
                                 ReadStats* stats = nullptr, RejectHandler on_reject = print_rejected_row);

}  // namespace sieve::datasets
