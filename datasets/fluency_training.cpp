#include "sieve/datasets/fluency_training.h"

#include <algorithm>
#include <chrono>

#include "sieve/core/error.h"
#include "sieve/core/progress.h"
#include "sieve/datasets/native_text_reader.h"

namespace sieve::datasets {
namespace {

std::vector<int> native_head_indices(const FluencyTrainingOptions& options, const LabelSchema& schema) {
  std::vector<int> heads;
  for (const std::string& name : options.native_heads) {
    const int h = schema.index_of(name);
    if (h >= 0 && schema.heads[static_cast<std::size_t>(h)].binary()) heads.push_back(h);
  }
  return heads;
}

bool is_native(const Record& record, const std::vector<int>& heads) {
  bool negative = false;
  for (const int h : heads) {
    const std::int8_t label = record.labels[static_cast<std::size_t>(h)];
    if (label == 1) return false;
    negative |= label == 0;
  }
  return negative;
}

}  // namespace

void FluencyTrainingOptions::validate(const LabelSchema& schema) const {
  model.validate();
  if (native_head_indices(*this, schema).empty()) {
    throw Error(ErrorKind::kConfig, "--native-heads", "none of the given heads is a binary head of the data");
  }
  if (!native_lang.empty() && native_lang != "en" && native_lang != "fr" && native_lang != "zh") {
    throw Error(ErrorKind::kConfig, "--native-lang", "must be en, fr or zh, not '" + native_lang + "'");
  }
}

namespace {

// Whether the head named `name` (if the schema has it) marks the record 1.
bool marked(const Record& record, const LabelSchema& schema, const std::string& name) {
  const int h = name.empty() ? -1 : schema.index_of(name);
  return h >= 0 && record.labels[static_cast<std::size_t>(h)] == 1;
}

void add_labelled(const std::vector<std::string>& inputs, const ReaderConfig& config,
                  const tokenizer::Normalizer& normalizer, const FluencyTrainingOptions& options,
                  tokenizer::FluencyTrainer& trainer, FluencyTrainingSummary& summary,
                  const RejectHandler& on_reject) {
  using tokenizer::FluencyText;
  const std::vector<int> heads = native_head_indices(options, config.schema);
  std::string normalized;
  for (const std::string& path : inputs) {
    RecordReader reader(path, config, on_reject);
    for (Record record; reader.next(record);) {
      ++summary.records;
      const bool native = is_native(record, heads);
      const bool learner = marked(record, config.schema, options.learner_head);
      const bool machine = marked(record, config.schema, options.machine_head);
      if (!native && !learner && !machine) continue;
      normalizer.normalize(record.text, normalized);
      const int fold = tokenizer::FluencyModel::fold_of(record.group);
      summary.native += native;
      summary.learner += learner;
      summary.machine += machine;
      if (native) trainer.add(normalized, record.lang, fold);
      if (learner) trainer.add(normalized, record.lang, fold, FluencyText::kLearner);
      if (machine) trainer.add(normalized, record.lang, fold, FluencyText::kMachine);
    }
    summary.rejected += reader.stats().rejected;
  }
}

void add_native(const FluencyTrainingOptions& options, const tokenizer::Normalizer& normalizer,
                tokenizer::FluencyTrainer& trainer, FluencyTrainingSummary& summary,
                const RejectHandler& on_reject) {
  if (options.native.empty()) return;
  NativeTextReader reader(options.native, options.native_lang, on_reject);
  Progress progress("native texts");
  const auto start = std::chrono::steady_clock::now();
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::string group, normalized;
  for (NativeText text; reader.next(text);) {
    group.assign(text.file).append(":").append(std::to_string(text.line));
    normalizer.normalize(text.text, normalized);
    trainer.add(normalized, text.lang, tokenizer::FluencyModel::fold_of(group));
    if (reader.stats().texts % 4096 == 0) progress.update(reader.stats().texts, seconds());
  }
  progress.finish(reader.stats().texts, seconds());
  summary.native_texts = reader.stats().texts;
  summary.native_rejected = reader.stats().rejected;
}

}  // namespace

tokenizer::FluencyModel train_fluency_model(const std::vector<std::string>& inputs,
                                            const ReaderConfig& config,
                                            const tokenizer::Normalizer& normalizer,
                                            const FluencyTrainingOptions& options,
                                            FluencyTrainingSummary& summary, const RejectHandler& on_reject) {
  options.validate(config.schema);
  tokenizer::FluencyTrainer trainer(options.model);
  add_labelled(inputs, config, normalizer, options, trainer, summary, on_reject);
  add_native(options, normalizer, trainer, summary, on_reject);
  if (summary.native + summary.native_texts == 0) {
    throw Error(ErrorKind::kInvalidInput, inputs.empty() ? "--native" : inputs.front(),
                "no native record to learn from");
  }
  summary.pruned = trainer.pruned();
  return trainer.finish();
}

}  // namespace sieve::datasets
