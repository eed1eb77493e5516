#include "runtime_model_files.h"

#include "sieve/core/json_writer.h"
#include "sieve/format/model_metadata.h"
#include "sieve/tokenizer/featurizer.h"
#include "test_models.h"

namespace sieve::infer::testing {

ModelParts bag_parts(int hidden) {
  ModelParts parts;
  parts.config = small_config(Architecture::kBag, hidden, /*multiclass=*/true);
  parts.config.vocab_size = static_cast<std::uint32_t>(tokenizer::testing::small_model().vocab_size());
  parts.config.table_size = parts.config.vocab_size + kHashBuckets;
  parts.table_size = parts.config.table_size;
  parts.tensors = random_parameters(parts.config, 11);
  parts.tokenizer = tokenizer::testing::small_model().bytes();
  return parts;
}

std::string metadata(const ModelParts& parts) {
  tokenizer::FeaturizerSettings featurizer;
  featurizer.hash_buckets = kHashBuckets;
  JsonWriter w;
  w.begin_object().key("format_version").value(kModelFormatVersion).key("model").raw(parts.config.to_json());
  w.key("heads").begin_array();
  w.begin_object().key("name").value("coordinated").key("kind").value("binary");
  w.key("labels").begin_array().value("0").value("1").end_array();
  w.key("threshold").value(0.5).key("temperature").value(parts.temperature).end_object();
  w.begin_object().key("name").value("lang").key("kind").value("multiclass");
  w.key("labels").begin_array().value("en").value("fr").value("zh").end_array();
  w.key("threshold").value(0.5).key("temperature").value(1.0).end_object();
  w.end_array();
  w.key("normalizer").raw(tokenizer::NormalizerSettings().to_json());
  w.key("featurizer").raw(featurizer.to_json());
  w.key("vocab_size").value(parts.config.vocab_size).key("table_size").value(parts.table_size);
  w.key("self_test").begin_array();
  for (const auto& [text, probabilities] : parts.self_test) {
    w.begin_object().key("text").value(text).key("probabilities").begin_array();
    w.value(probabilities[0]).begin_array();
    for (std::size_t c = 1; c < probabilities.size(); ++c) w.value(probabilities[c]);
    w.end_array().end_array().end_object();
  }
  w.end_array().end_object();
  return w.take();
}

std::string write(const ModelParts& parts, const std::string& name, const std::string& sieve_metadata) {
  ModelFileWriter writer;
  writer.set_metadata("sieve", sieve_metadata.empty() ? metadata(parts) : sieve_metadata);
  for (const TensorSpec& t : parts.tensors)
    writer.add_tensor(t.name, t.dtype, t.shape, t.bytes.data(), t.bytes.size());
  writer.add_tensor("tokenizer.model", DType::kU8, {static_cast<std::int64_t>(parts.tokenizer.size())},
                    parts.tokenizer.data(), parts.tokenizer.size(), 1);
  if (!parts.ood_json.empty()) writer.set_metadata("ood", parts.ood_json);
  if (!parts.ood_rarity.empty()) {
    writer.add_tensor("ood.rarity", DType::kF32, {static_cast<std::int64_t>(parts.ood_rarity.size())},
                      parts.ood_rarity.data(), parts.ood_rarity.size() * sizeof(float));
  }
  const std::string path = name.find('/') == std::string::npos ? temp_path(name) : name;
  writer.write(path);
  return path;
}

const std::vector<std::string>& sample_posts() {
  static const std::vector<std::string> posts = {
      "The prime minister stole the money 1200 #scandal @user7",
      "Le premier ministre a caché le rapport",
      "这个总理隐瞒了真相",
      "",
      "A post the tokenizer has never seen: zyxw qqq!",
  };
  return posts;
}

}  // namespace sieve::infer::testing
