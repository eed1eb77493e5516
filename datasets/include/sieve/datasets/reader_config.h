#pragma once
// How the columns of a user's file become records: formats, column names, label value maps, limits and
// what to do with a bad row. Filled from the [data] table of a run's TOML file or from a preset.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "sieve/core/text_limits.h"
#include "sieve/datasets/record.h"

namespace sieve::datasets {

enum class FileFormat { kAuto, kJsonl, kCsv, kTsv };
enum class OnError { kSkip, kFail };

// Column (CSV header or JSON key) of each record field. An empty name means the input has no such
// column: id defaults to "<file>:<line>", group to the id, source to the config's default_source.
struct ColumnMapping {
  std::string id = "id";
  std::string text = "text";
  std::string lang = "lang";
  std::string group = "group";
  std::string source = "source";
  std::string time = "time";                  // seconds since 1970, or "YYYY-MM-DD[ HH:MM[:SS]]" (UTC)
  std::map<std::string, std::string> labels;  // head → column; a head not listed reads its own name
  // head → raw value → label value, for inputs that spell labels their own way ("1.0" = 1, "true" = 1,
  // "state-backed" = 1). Without a map, binary heads accept 0/1/true/false (also "0.0"/"1.0") and
  // multi-class heads their class names.
  std::map<std::string, std::map<std::string, int>> values;
  // head → the value of every row, for a file that is one class throughout (a takedown archive).
  std::map<std::string, int> fixed_labels;
  // source → head read → head it labels, for a dataset whose label means another head than its column's
  // name (LLM-written text labelled `machine`, trained as the `llm` head). On rows of that source the head
  // read becomes unknown and the other head takes its value, whatever that head's own column said.
  std::map<std::string, std::map<std::string, std::string>> relabel;

  std::string label_column(const std::string& head) const;
};

struct ReaderConfig {
  FileFormat format = FileFormat::kAuto;  // kAuto: by extension (.jsonl .json .csv .tsv, under .gz/.zst)
  ColumnMapping columns;
  LabelSchema schema = LabelSchema::defaults();
  OnError on_error = OnError::kSkip;
  std::size_t max_text_bytes = kMaxTextBytes;  // longer posts are rejected rows, not truncated silently
  std::string default_source;                  // source of rows without a source column ("" = the file name)
  std::string default_lang;                    // lang of rows without one ("" = guessed from the text)

  // The X/Twitter information-operations archive CSV: tweetid, userid, tweet_text, tweet_language,
  // tweet_time; every row of such an archive is coordinated = 1. Throws Error(kConfig) on another name.
  static ReaderConfig preset(std::string_view name);
  void validate() const;  // throws Error(kConfig) naming the field
};

FileFormat format_from_name(std::string_view name);  // "jsonl", "csv", "tsv", "auto"; throws Error(kConfig)

// Why a post's text cannot be read, as a rejected row says it ("text of 2000000 bytes is longer than the
// limit of 100000", "invalid UTF-8 in the text (3 bytes)"); "" when it can. The one rule of the readers of
// posts: the records of a file (max_text_bytes of the ReaderConfig) and the Python module's Model.
std::string text_problem(std::string_view text, std::size_t max_text_bytes);

}  // namespace sieve::datasets
