#include "sieve/datasets/fluency_training.h"

#include <algorithm>

#include "sieve/core/error.h"

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
}

tokenizer::FluencyModel train_fluency_model(const std::vector<std::string>& inputs, const ReaderConfig& config,
                                            const tokenizer::Normalizer& normalizer,
                                            const FluencyTrainingOptions& options, FluencyTrainingSummary& summary,
                                            const RejectHandler& on_reject) {
  options.validate(config.schema);
  const std::vector<int> heads = native_head_indices(options, config.schema);
  std::vector<std::string> texts, langs;
  std::vector<int> folds;
  for (const std::string& path : inputs) {
    RecordReader reader(path, config, on_reject);
    for (Record record; reader.next(record);) {
      ++summary.records;
      if (!is_native(record, heads)) continue;
      texts.push_back(normalizer.normalize(record.text));
      langs.push_back(record.lang);
      folds.push_back(tokenizer::FluencyModel::fold_of(record.group));
    }
    summary.rejected += reader.stats().rejected;
  }
  summary.native = texts.size();
  if (texts.empty()) throw Error(ErrorKind::kInvalidInput, inputs.front(), "no native record to learn from");
  std::vector<tokenizer::FluencyModel::Example> examples;
  examples.reserve(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) examples.push_back({texts[i], langs[i], folds[i]});
  return tokenizer::FluencyModel::train(examples, options.model);
}

}  // namespace sieve::datasets
