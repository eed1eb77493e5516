// train_native_embeddings: the embedding trainer fed from files of native text, one batch at a time.

#include <chrono>
#include <queue>

#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "sieve/core/json_writer.h"
#include "sieve/datasets/embedding_trainer.h"
#include "sieve/datasets/native_text_reader.h"

namespace sieve::datasets {
namespace {

// Lines handed to the trainer at once: enough to keep the threads busy, few enough to stay small.
constexpr std::size_t kBatchLines = 16384;
// The embeddings do not depend on the language, so a file whose name does not give one is still read.
constexpr const char* kAnyLanguage = "und";

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool sampled(const EmbeddingTrainerOptions& options, std::size_t file, std::size_t line) {
  if (options.sample >= 1) return true;
  const std::uint64_t h = hash_pair(static_cast<std::uint32_t>(file), static_cast<std::uint32_t>(line),
                                    options.seed ^ 0x53414d504c45ull);
  return static_cast<double>(h >> 11) * 0x1.0p-53 < options.sample;
}

// First pass: the lines of each file, and the subword counts of every count_every-th line.
std::vector<std::size_t> count_lines(const std::vector<std::string>& files,
                                     const EmbeddingTrainerOptions& options, EmbeddingTrainer& trainer,
                                     const RejectHandler& on_reject, NativeEmbeddingSummary& summary) {
  std::vector<std::size_t> lines;
  std::vector<std::string> batch;
  for (const std::string& file : files) {
    NativeTextReader reader({file}, kAnyLanguage, on_reject);
    std::size_t count = 0;
    for (NativeText text; reader.next(text); ++count) {
      if (count % options.count_every != 0) continue;
      batch.emplace_back(text.text);
      if (batch.size() == kBatchLines) {
        trainer.count(batch);
        batch.clear();
      }
    }
    summary.rejected += reader.stats().rejected;
    lines.push_back(count);
  }
  trainer.count(batch);
  return lines;
}

// The files read side by side: the next line is always that of the file least far through, by share of
// its lines, so a small file's lines are spread over the whole run instead of coming first or last.
class InterleavedLines {
 public:
  InterleavedLines(const std::vector<std::string>& files, const std::vector<std::size_t>& lines)
      : lines_(lines) {
    for (std::size_t k = 0; k < files.size(); ++k) {
      readers_.push_back(std::make_unique<NativeTextReader>(std::vector<std::string>{files[k]}, kAnyLanguage,
                                                            [](const std::string&, const std::string&) {}));
      read_.push_back(0);
      if (lines[k] > 0) queue_.push({0.5 / static_cast<double>(lines[k]), k});
    }
  }

  // The next line, its file's index and its number there; false at the end.
  bool next(std::string& text, std::size_t& file, std::size_t& line) {
    while (!queue_.empty()) {
      const std::size_t k = queue_.top().second;
      queue_.pop();
      NativeText native;
      if (!readers_[k]->next(native)) continue;  // a file that changed since it was counted
      text.assign(native.text);
      file = k;
      line = read_[k]++;
      if (read_[k] < lines_[k])
        queue_.push({(static_cast<double>(read_[k]) + 0.5) / static_cast<double>(lines_[k]), k});
      return true;
    }
    return false;
  }

 private:
  using Entry = std::pair<double, std::size_t>;
  std::vector<std::size_t> lines_;
  std::vector<std::unique_ptr<NativeTextReader>> readers_;
  std::vector<std::size_t> read_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
};

std::string note(const EmbeddingTrainerOptions& options, const NativeEmbeddingSummary& summary,
                 const std::vector<std::string>& files) {
  JsonWriter w;
  w.begin_object().key("trainer").value("sieve embed train").key("options").raw(options.to_json());
  w.key("files").begin_array();
  for (const std::string& file : files) w.value(file.substr(file.find_last_of('/') + 1));
  w.end_array();
  w.key("texts").value(static_cast<std::uint64_t>(summary.texts));
  w.key("learned").value(static_cast<std::uint64_t>(summary.learned));
  w.key("positions").value(summary.positions).key("seconds").value(summary.seconds);
  return w.end_object().str();
}

}  // namespace

EmbeddingTable train_native_embeddings(const std::vector<std::string>& paths,
                                       const tokenizer::Featurizer& featurizer,
                                       const EmbeddingTrainerOptions& options,
                                       NativeEmbeddingSummary& summary,
                                       const std::function<void(std::size_t, std::size_t, double)>& progress,
                                       const RejectHandler& on_reject) {
  const Clock::time_point start = Clock::now();
  const std::vector<std::string> files = NativeTextReader::list_files(paths);
  if (files.empty()) {
    throw Error(ErrorKind::kInvalidInput, paths.empty() ? "--native" : paths.front(),
                "no native text: name files or folders holding .txt or .jsonl files (.gz, .zst)");
  }
  EmbeddingTrainer trainer(featurizer, options);
  const std::vector<std::size_t> lines = count_lines(files, options, trainer, on_reject, summary);
  std::size_t total = 0;
  for (const std::size_t n : lines) total += n;
  if (total == 0) throw Error(ErrorKind::kInvalidInput, files.front(), "no line of text in the native files");
  summary.files = files.size();
  const double all = static_cast<double>(total) * options.epochs;
  std::vector<std::string> batch;
  std::size_t done = 0;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    InterleavedLines reader(files, lines);
    std::string text;
    std::size_t file = 0, line = 0;
    for (bool more = true; more;) {
      const std::size_t batch_start = done;
      batch.clear();
      while (batch.size() < kBatchLines && (more = reader.next(text, file, line))) {
        ++done;
        if (sampled(options, file, line)) batch.push_back(text);
      }
      trainer.learn(batch, static_cast<double>(batch_start) / all, static_cast<double>(done) / all);
      summary.learned += batch.size();
      if (progress) progress(done, static_cast<std::size_t>(all), seconds_since(start));
    }
  }
  summary.texts = total;
  summary.positions = trainer.positions();
  summary.seconds = seconds_since(start);
  return trainer.table(note(options, summary, files));
}

}  // namespace sieve::datasets
