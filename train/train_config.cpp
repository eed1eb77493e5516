#include "sieve/train/train_config.h"

#include <cmath>

#include "sieve/core/error.h"

namespace sieve::train {
namespace {

void require(bool ok, const char* field, const std::string& message) {
  if (!ok) throw Error(ErrorKind::kConfig, std::string("train.") + field, message);
}

// A table of name → weight (pos_weight, source_weight).
void read_weights(ConfigFile::Table table, std::map<std::string, double>& weights) {
  for (const std::string& name : table.keys()) {
    double weight = 1;
    table.read(name.c_str(), weight);
    weights[name] = weight;
  }
}

}  // namespace

void TrainConfig::validate() const {
  require(optimizer == "adamw" || optimizer == "sgd", "optimizer",
          "must be adamw or sgd, got '" + optimizer + "'");
  require(lr > 0 && lr < 100, "lr", "must be in (0, 100), got " + std::to_string(lr));
  require(weight_decay >= 0, "weight_decay", "must not be negative");
  require(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1)");
  require(embedding_lr > 0 && embedding_lr < 1000, "embedding_lr", "must be in (0, 1000)");
  require(decay == "linear" || decay == "cosine" || decay == "constant", "decay",
          "must be linear, cosine or constant, got '" + decay + "'");
  require(warmup_steps >= 0, "warmup_steps", "must not be negative");
  require(batch_size >= 1 && batch_size <= 1000000, "batch_size", "must be between 1 and 1000000");
  require(epochs >= 1, "epochs", "must be at least 1");
  require(max_steps >= 0, "max_steps", "must not be negative");
  require(clip_norm >= 0, "clip_norm", "must not be negative");
  require(eval_every >= 0, "eval_every", "must not be negative");
  require(patience >= 0, "patience", "must not be negative");
  require(checkpoint_seconds >= 0, "checkpoint_seconds", "must not be negative");
  require(threads >= 0 && threads <= 1024, "threads", "must be between 0 (all cores) and 1024");
  require(balance == "none" || balance == "source_label", "balance",
          "must be none or source_label, got '" + balance + "'");
  require(balance_cap >= 1, "balance_cap", "must be at least 1");
  require(pair_weight >= 0 && std::isfinite(pair_weight), "pair_weight", "must be finite and not negative");
  require(pair_margin >= 0 && std::isfinite(pair_margin), "pair_margin", "must be finite and not negative");
  require(pair_batch >= 1 && pair_batch <= 100000, "pair_batch", "must be between 1 and 100000");
  require(init_embeddings_scale > 0 && std::isfinite(init_embeddings_scale), "init_embeddings_scale",
          "must be finite and positive");
  for (const std::string& source : exclude_sources)
    require(!source.empty(), "exclude_sources", "holds an empty source name");
  for (const auto& [head, weight] : pos_weight) {
    require(weight > 0, "pos_weight", "weight of '" + head + "' must be positive");
  }
  for (const auto& [cell, weight] : source_weight) {
    require(weight > 0 && std::isfinite(weight), "source_weight",
            "weight of '" + cell + "' must be finite and positive");
  }
}

TrainConfig read_train_config(const ConfigFile& file) {
  TrainConfig config;
  ConfigFile::Table t = file.table("train");
  t.read("optimizer", config.optimizer);
  t.read("lr", config.lr);
  t.read("weight_decay", config.weight_decay);
  t.read("momentum", config.momentum);
  t.read("embedding_lr", config.embedding_lr);
  t.read("decay", config.decay);
  t.read("warmup_steps", config.warmup_steps);
  t.read("batch_size", config.batch_size);
  t.read("epochs", config.epochs);
  t.read("max_steps", config.max_steps);
  t.read("clip_norm", config.clip_norm);
  t.read("eval_every", config.eval_every);
  t.read("checkpoint_seconds", config.checkpoint_seconds);
  t.read("patience", config.patience);
  t.read("seed", config.seed);
  t.read("threads", config.threads);
  t.read("exclude_sources", config.exclude_sources);
  t.read("balance", config.balance);
  t.read("balance_cap", config.balance_cap);
  t.read("pair_weight", config.pair_weight);
  t.read("pair_margin", config.pair_margin);
  t.read("pair_batch", config.pair_batch);
  t.read("init_embeddings", config.init_embeddings);
  t.read("init_embeddings_scale", config.init_embeddings_scale);
  read_weights(t.table("pos_weight"), config.pos_weight);
  read_weights(t.table("source_weight"), config.source_weight);
  t.reject_unknown_keys();
  config.validate();
  return config;
}

models::ModelConfig read_model_config(const ConfigFile& file) {
  models::ModelConfig config;
  ConfigFile::Table m = file.table("model");
  std::string architecture = models::architecture_name(config.architecture);
  m.read("architecture", architecture);
  config.architecture = models::parse_architecture(architecture);
  m.read("dim", config.dim);
  m.read("hidden", config.hidden);
  double dropout = config.dropout;
  m.read("dropout", dropout);
  config.dropout = static_cast<float>(dropout);
  m.read("max_subwords", config.max_subwords);
  m.read("sparse_embeddings", config.sparse_embeddings);
  ConfigFile::Table cnn = m.table("cnn");
  cnn.read("widths", config.cnn.widths);
  cnn.read("filters", config.cnn.filters);
  cnn.reject_unknown_keys();
  ConfigFile::Table transformer = m.table("transformer");
  transformer.read("layers", config.transformer.layers);
  transformer.read("d_model", config.transformer.d_model);
  transformer.read("attention_heads", config.transformer.attention_heads);
  transformer.read("ffn_multiplier", config.transformer.ffn_multiplier);
  transformer.reject_unknown_keys();
  m.reject_unknown_keys();
  return config;  // validated once the shards give its table sizes and heads
}

double learning_rate(const TrainConfig& config, std::int64_t step, std::int64_t total_steps) {
  if (step < config.warmup_steps)
    return config.lr * static_cast<double>(step + 1) / static_cast<double>(config.warmup_steps);
  if (config.decay == "constant" || total_steps <= config.warmup_steps) return config.lr;
  const double progress = std::min(1.0, static_cast<double>(step - config.warmup_steps) /
                                            static_cast<double>(total_steps - config.warmup_steps));
  if (config.decay == "cosine") return config.lr * 0.5 * (1 + std::cos(progress * 3.14159265358979323846));
  return config.lr * (1 - progress);
}

}  // namespace sieve::train
