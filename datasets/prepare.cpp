#include "sieve/datasets/prepare.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>

#include "sieve/core/atomic_file.h"
#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "sieve/core/json_writer.h"
#include "sieve/datasets/shard.h"

namespace sieve::datasets {
namespace {

constexpr std::size_t kSamples = 8;

// One unit of pipeline work: records in, features out.
struct Batch {
  std::size_t first = 0;  // the number of its first record in the output
  std::vector<Record> records;
  std::vector<tokenizer::Features> features;
};

std::string hex(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

InputSummary describe_input(const std::string& path) {
  InputSummary input;
  input.path = path;
  if (path == "-") return input;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kIo, path, "cannot open");
  Hasher64 hasher;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hasher.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
    input.bytes += static_cast<std::uint64_t>(in.gcount());
  }
  input.xxh3 = hasher.digest();
  return input;
}

// Reads records from the inputs in order, a batch at a time.
class BatchSource {
 public:
  BatchSource(const std::vector<std::string>& inputs, const ReaderConfig& config,
              const RejectHandler& on_reject, std::vector<InputSummary>& summaries)
      : inputs_(inputs), config_(config), on_reject_(on_reject), summaries_(summaries) {}

  bool fill(Batch& batch, std::size_t size) {
    batch.first = filled_;
    batch.records.resize(size);
    std::size_t n = 0;
    while (n < size) {
      if (!reader_) {
        if (next_input_ == inputs_.size()) break;
        summaries_.push_back(describe_input(inputs_[next_input_]));
        reader_ = std::make_unique<RecordReader>(inputs_[next_input_++], config_, on_reject_);
      }
      if (reader_->next(batch.records[n])) {
        ++n;
      } else {
        summaries_.back().stats = reader_->stats();
        reader_.reset();
      }
    }
    batch.records.resize(n);
    filled_ += n;
    return n > 0;
  }

 private:
  const std::vector<std::string>& inputs_;
  const ReaderConfig& config_;
  const RejectHandler& on_reject_;
  std::vector<InputSummary>& summaries_;
  std::unique_ptr<RecordReader> reader_;
  std::size_t next_input_ = 0;
  std::size_t filled_ = 0;
};

// Writes full shards as records arrive and counts labels per language.
class ShardSink {
 public:
  ShardSink(const std::string& out_dir, const ReaderConfig& config, std::uint32_t table_size,
            std::uint32_t dense_width, std::size_t records_per_shard, PrepareSummary& summary)
      : out_dir_(out_dir),
        config_(config),
        writer_(config.schema, table_size, dense_width),
        records_per_shard_(records_per_shard),
        summary_(summary) {}

  void add(const Batch& batch) {
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
      const Record& record = batch.records[i];
      const tokenizer::Features& f = batch.features[i];
      writer_.add(record, f.ids.data(), f.ids.size(), f.subword_count, f.dense.data());
      count_language(record, config_.schema, summary_);
      if (summary_.samples.size() < kSamples) summary_.samples.push_back(record.text);
      summary_.feature_ids += f.ids.size();
      ++summary_.records;
      if (writer_.records() == records_per_shard_) flush();
    }
  }

  void flush() {
    if (writer_.records() == 0) return;
    char name[32];
    std::snprintf(name, sizeof name, "shard-%05zu.bin", summary_.shards.size());
    ShardSummary shard{name, writer_.records(), writer_.ids(), 0};
    shard.crc32 = writer_.write(out_dir_ + "/" + name);
    summary_.shards.push_back(shard);
  }

 private:
  std::string out_dir_;
  const ReaderConfig& config_;
  ShardWriter writer_;
  std::size_t records_per_shard_;
  PrepareSummary& summary_;
};

}  // namespace

void PrepareOptions::validate() const {
  if (records_per_shard == 0) throw Error(ErrorKind::kConfig, "shards.records_per_shard", "must be positive");
  if (batch_records == 0) throw Error(ErrorKind::kConfig, "prepare.batch_records", "must be positive");
  if (threads < 0) throw Error(ErrorKind::kConfig, "--threads", "must be 0 (all cores) or more");
}

PrepareSummary prepare_shards(const std::vector<std::string>& inputs, const ReaderConfig& config,
                              const tokenizer::Featurizer& featurizer, const std::string& out_dir,
                              const PrepareOptions& options, const PrepareProgress& progress,
                              const RejectHandler& on_reject) {
  options.validate();
  config.validate();
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw Error(ErrorKind::kIo, out_dir, "cannot create the output folder: " + ec.message());

  const auto start = std::chrono::steady_clock::now();
  PrepareSummary summary;
  BatchSource source(inputs, config, on_reject, summary.inputs);
  ShardSink sink(out_dir, config, featurizer.table_size(),
                 static_cast<std::uint32_t>(featurizer.settings().dense_width()), options.records_per_shard,
                 summary);
  const bool cross_fit = options.cross_fit && featurizer.fluency() != nullptr;
  tbb::enumerable_thread_specific<tokenizer::FeaturizerWorkspace> workspaces;
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));

  tbb::parallel_pipeline(
      static_cast<std::size_t>(2 * threads + 2),
      tbb::make_filter<void, std::shared_ptr<Batch>>(tbb::filter_mode::serial_in_order,
                                                     [&](tbb::flow_control& flow) {
                                                       auto batch = std::make_shared<Batch>();
                                                       if (!source.fill(*batch, options.batch_records))
                                                         flow.stop();
                                                       return batch;
                                                     }) &
          tbb::make_filter<std::shared_ptr<Batch>, std::shared_ptr<Batch>>(
              tbb::filter_mode::parallel,
              [&](std::shared_ptr<Batch> batch) {
                tokenizer::FeaturizerWorkspace& workspace = workspaces.local();
                batch->features.resize(batch->records.size());
                for (std::size_t i = 0; i < batch->records.size(); ++i) {
                  const Record& record = batch->records[i];
                  // The half that did not learn from the record's group; the samples, which the model's
                  // self-test replays at serving time, are scored as serving scores them.
                  const int fold = cross_fit && batch->first + i >= kSamples
                                       ? 1 - tokenizer::FluencyModel::fold_of(record.group)
                                       : 0;
                  featurizer.featurize(record.text, batch->features[i], workspace, nullptr, fold);
                }
                return batch;
              }) &
          tbb::make_filter<std::shared_ptr<Batch>, void>(
              tbb::filter_mode::serial_in_order, [&](std::shared_ptr<Batch> batch) {
                sink.add(*batch);
                if (progress) {
                  progress(summary.records,
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
                }
              }));
  sink.flush();
  for (const InputSummary& input : summary.inputs) summary.rejected += input.stats.rejected;
  featurizer.subwords().save(out_dir + "/tokenizer.model");
  if (featurizer.fluency()) {
    // The model keeps the serving half: cross-fitting is done once the shards are written.
    write_file_atomically(out_dir + "/fluency.model", featurizer.fluency()->serialize(/*serving_half=*/true));
  }
  summary.cross_fit = cross_fit;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_manifest(summary, config, featurizer, out_dir);
  return summary;
}

void count_language(const Record& record, const LabelSchema& schema, PrepareSummary& summary) {
  LanguageCounts& counts = summary.languages[record.lang];
  if (counts.values.empty()) {
    for (const LabelHead& head : schema.heads) counts.values.emplace_back(head.num_values(), 0);
  }
  ++counts.records;
  for (std::size_t h = 0; h < record.labels.size(); ++h) {
    if (record.labels[h] != kMissingLabel) ++counts.values[h][static_cast<std::size_t>(record.labels[h])];
  }
}

void write_manifest(const PrepareSummary& summary, const ReaderConfig& config,
                    const tokenizer::Featurizer& featurizer, const std::string& out_dir) {
  write_file_atomically(out_dir + "/manifest.json", manifest_json(summary, config, featurizer) + "\n");
}

std::string tokenizer_fingerprint(const tokenizer::Featurizer& featurizer) {
  return hex(hash64(featurizer.subwords().bytes(), 0));
}

std::string manifest_json(const PrepareSummary& summary, const ReaderConfig& config,
                          const tokenizer::Featurizer& featurizer) {
  JsonWriter w;
  w.begin_object();
  w.key("format").value("sieve-shards").key("version").value(kShardVersion);
  w.key("inputs").begin_array();
  for (const InputSummary& input : summary.inputs) {
    w.begin_object()
        .key("path")
        .value(input.path)
        .key("bytes")
        .value(input.bytes)
        .key("xxh3")
        .value(hex(input.xxh3));
    w.key("rows").value(input.stats.rows).key("records").value(input.stats.accepted);
    w.key("rejected").value(input.stats.rejected).end_object();
  }
  w.end_array();
  w.key("records").value(summary.records).key("rejected").value(summary.rejected);
  w.key("feature_ids").value(summary.feature_ids);
  w.key("heads").raw(config.schema.to_json());
  w.key("languages").begin_object();
  for (const auto& [lang, counts] : summary.languages) {
    w.key(lang).begin_object().key("records").value(counts.records);
    for (std::size_t h = 0; h < config.schema.heads.size(); ++h) {
      const LabelHead& head = config.schema.heads[h];
      std::size_t labelled = 0;
      for (const auto n : counts.values[h]) labelled += n;
      w.key(head.name).begin_object().key("labelled").value(labelled);
      if (head.binary()) {
        w.key("positive").value(counts.values[h][1]);
        w.key("prevalence").value(labelled ? static_cast<double>(counts.values[h][1]) / labelled : 0.0);
      } else {
        w.key("classes").begin_object();
        for (std::size_t c = 0; c < head.classes.size(); ++c)
          w.key(head.classes[c]).value(counts.values[h][c]);
        w.end_object();
      }
      w.end_object();
    }
    w.end_object();
  }
  w.end_object();
  w.key("tokenizer").begin_object();
  w.key("model").value("tokenizer.model").key("model_xxh3").value(tokenizer_fingerprint(featurizer));
  w.key("vocab_size")
      .value(featurizer.subwords().vocab_size())
      .key("table_size")
      .value(featurizer.table_size());
  w.key("fluency").value(featurizer.fluency() ? "fluency.model" : "");
  w.key("cross_fit").value(summary.cross_fit);
  w.key("normalizer").raw(featurizer.normalizer().settings().to_json());
  w.key("featurizer").raw(featurizer.settings().to_json());
  w.end_object();
  w.key("shards").begin_array();
  for (const ShardSummary& shard : summary.shards) {
    w.begin_object().key("file").value(shard.file).key("records").value(shard.records);
    w.key("ids").value(shard.ids).key("crc32").value(shard.crc32).end_object();
  }
  w.end_array();
  w.key("samples").begin_array();
  for (const std::string& text : summary.samples) w.value(text);
  w.end_array();
  w.key("seconds").value(summary.seconds);
  w.end_object();
  return w.take();
}

}  // namespace sieve::datasets
