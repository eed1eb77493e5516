#pragma once
// The record: one labelled post as every stage after reading sees it, and the label heads it carries.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sieve::datasets {

// A label value the record does not have: that head's loss is masked for it.
inline constexpr std::int8_t kMissingLabel = -1;

// One classifier head. Binary heads (no classes) take 0 or 1; multi-class heads take a class index.
struct LabelHead {
  std::string name;
  std::vector<std::string> classes;  // empty for a binary head

  bool binary() const { return classes.empty(); }
  int num_values() const { return binary() ? 2 : static_cast<int>(classes.size()); }
};

// The heads a dataset declares, in the order of Record::labels.
struct LabelSchema {
  std::vector<LabelHead> heads;

  // coordinated, machine, nonnative, abusive: the binary heads of the shipped corpus.
  static LabelSchema defaults();
  // Index of the head called name, or -1.
  int index_of(std::string_view name) const;
  // Throws Error(kConfig) on an empty or duplicate name, or a multi-class head of over 127 classes.
  void validate() const;
  std::string to_json() const;
  static LabelSchema from_json(std::string_view json);  // throws Error(kFormat)
  bool operator==(const LabelSchema& other) const;
};

struct Record {
  std::string id;
  std::string text;
  std::string lang;                  // "en", "fr", "zh"...; "" when unknown
  std::string group;                 // author, thread or document: a split never separates a group
  std::string source;                // dataset, platform or campaign the row came from
  std::int64_t time = 0;             // seconds since 1970 when the input has a time column, else 0
  std::vector<std::int8_t> labels;   // one per schema head; kMissingLabel when unknown
  std::string unreadable_time = {};  // the input's time as written when it is not one (time is then 0)

  // Who the post belongs to: its group, or its own id when it has none (a post alone is its own account).
  // A reference to one of the two members, so callers that keep a std::string key copy nothing.
  const std::string& group_or_id() const { return group.empty() ? id : group; }
};

// Appends the record as one JSON line (no newline) in the corpus format: id, text, lang, source, group,
// time when set (an unreadable one as it was written), then each known label by head name (binary as 0/1,
// multi-class as the class name).
void append_jsonl(const Record& record, const LabelSchema& schema, std::string& out);

}  // namespace sieve::datasets
