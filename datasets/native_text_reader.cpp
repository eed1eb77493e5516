#include "sieve/datasets/native_text_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <filesystem>

#include "byte_source.h"
#include "sieve/core/error.h"
#include "sieve/core/utf8.h"

namespace sieve::datasets {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxLineBytes = 16u << 20;

using detail::ends_with;
using detail::uncompressed_name;

bool is_jsonl(std::string_view name) { return ends_with(uncompressed_name(name), ".jsonl"); }

bool is_text_file(std::string_view name) {
  return is_jsonl(name) || ends_with(uncompressed_name(name), ".txt");
}

std::string_view file_name(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

struct NativeTextReader::File {
  explicit File(const std::string& path) : path(path), source(path), lines(source), jsonl(is_jsonl(path)) {}
  std::string path;
  std::string lang;  // of the file's name, or the default
  detail::ByteSource source;
  detail::LineReader lines;
  bool jsonl;
  bool failure_reported = false;
  simdjson::dom::parser parser;
  std::string text, json_lang;  // the last JSON line's fields
};

NativeTextReader::NativeTextReader(std::vector<std::string> paths, std::string default_lang,
                                   RejectHandler on_reject)
    : files_(list_files(paths)), default_lang_(std::move(default_lang)), on_reject_(std::move(on_reject)) {}

NativeTextReader::~NativeTextReader() = default;

std::vector<std::string> NativeTextReader::list_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code error;
    if (!fs::is_directory(path, error)) {
      if (!fs::exists(path, error)) throw Error(ErrorKind::kIo, path, "no such file or folder");
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && is_text_file(name)) found.push_back(entry.path().string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::string NativeTextReader::lang_of_file(std::string_view path) {
  const std::string_view name = file_name(path);
  for (std::string_view lang : {"en", "fr", "zh"}) {
    if (name.size() > 3 && name.substr(0, 2) == lang && name[2] == '.') return std::string(lang);
  }
  return "";
}

bool NativeTextReader::open_next_file() {
  if (next_file_ == files_.size()) return false;
  const std::string& path = files_[next_file_++];
  file_ = std::make_unique<File>(path);
  file_->lang = lang_of_file(path);
  if (file_->lang.empty()) file_->lang = default_lang_;
  if (file_->lang.empty() && !file_->jsonl) {
    throw Error(
        ErrorKind::kInvalidInput, path,
        "the language of its texts is unknown: name the file en.*, fr.* or zh.*, or give --native-lang");
  }
  ++stats_.files;
  return true;
}

bool NativeTextReader::next(NativeText& out) {
  while (file_ || open_next_file()) {
    if (read_line(out)) return true;
    file_.reset();
  }
  return false;
}

// The next text of the open file; false at its end.
bool NativeTextReader::read_line(NativeText& out) {
  File& f = *file_;
  auto reject = [&](std::size_t line, const std::string& reason) {
    ++stats_.rejected;
    on_reject_(f.path + ":" + std::to_string(line), reason);
  };
  std::string_view line;
  std::size_t too_long = 0;
  while (f.lines.next(line, kMaxLineBytes, &too_long)) {
    const std::size_t number = f.lines.line_number();
    if (too_long) {
      reject(number, "line of " + std::to_string(too_long) + " bytes is longer than the limit of " +
                         std::to_string(kMaxLineBytes));
      continue;
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    out.file = file_name(f.path);
    out.line = number;
    out.lang = f.lang;
    if (!f.jsonl) {
      if (const std::size_t invalid = utf8::count_invalid(line); invalid > 0) {
        reject(number, "invalid UTF-8 (" + std::to_string(invalid) + " bytes)");
        continue;
      }
      out.text = line;
      ++stats_.texts;
      return true;
    }
    simdjson::dom::element doc;
    if (const auto error = f.parser.parse(line.data(), line.size()).get(doc)) {
      reject(number, error == simdjson::UTF8_ERROR
                         ? "invalid UTF-8 (" + std::to_string(utf8::count_invalid(line)) + " bytes)"
                         : std::string("malformed JSON: ") + simdjson::error_message(error));
      continue;
    }
    std::string_view text, lang;
    if (doc["text"].get_string().get(text)) {
      reject(number, "no string field 'text'");
      continue;
    }
    const bool has_lang = !doc["lang"].get_string().get(lang);
    if (!has_lang && f.lang.empty()) {
      reject(number,
             "the language of the text is unknown: give it a 'lang', name the file en.*, fr.* or "
             "zh.*, or give --native-lang");
      continue;
    }
    f.text.assign(text);
    f.json_lang.assign(has_lang ? lang : std::string_view(f.lang));
    out.text = f.text;
    out.lang = f.json_lang;
    ++stats_.texts;
    return true;
  }
  if (!f.source.failure().empty() && !f.failure_reported) {
    f.failure_reported = true;
    reject(f.lines.line_number() + 1, f.source.failure() + "; the lines before this one were read");
  }
  return false;
}

}  // namespace sieve::datasets
