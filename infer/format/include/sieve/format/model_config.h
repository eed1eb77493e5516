#pragma once
// The shape of a classifier: architecture, table sizes, widths and heads. Stored as JSON in checkpoints and
// in model.sieve, so the runtime builds exactly the network the trainer built. Torch-free on purpose: the
// exporter, the trainer's config parser and the runtime read it without touching a tensor.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sieve::infer {

enum class Architecture {
  kBag,          // mean of the embeddings of every feature id (fastText-like); the fast default
  kCnn,          // 1-D convolutions over subword embeddings, max-pooled, plus the bag vector
  kTransformer,  // small pre-LN encoder over subwords, mean-pooled
};

// "bag", "cnn", "transformer".
const char* architecture_name(Architecture architecture);
// The inverse of architecture_name(); throws Error(kConfig, "model.architecture") for any other name.
Architecture parse_architecture(std::string_view name);

// One output head. num_classes 2 is a binary head with ONE logit (sigmoid, P(label = 1)); more is a
// softmax over num_classes logits. A dataset's multi-class head of exactly 2 classes therefore becomes a
// binary head whose logit scores class 1 (datasets::LabelHead::num_values() gives num_classes directly).
struct HeadConfig {
  std::string name;     // the label's name in the dataset schema ("coordinated", "lang")
  int num_classes = 2;  // 2..127 (labels are int8 in shards)

  bool binary() const { return num_classes == 2; }
  int outputs() const { return binary() ? 1 : num_classes; }
  bool operator==(const HeadConfig& other) const;
};

// The convolutions of the cnn architecture.
struct CnnConfig {
  std::vector<int> widths{2, 3, 4, 5};  // one Conv1d per width over the subword sequence
  int filters = 64;                     // output channels of each convolution

  bool operator==(const CnnConfig& other) const;
};

// The encoder of the transformer architecture.
struct TransformerConfig {
  int layers = 4;           // pre-LN encoder blocks
  int d_model = 256;        // token width; the token and position tables have this many columns
  int attention_heads = 4;  // must divide d_model
  int ffn_multiplier = 4;   // feed-forward inner width = ffn_multiplier × d_model

  int ffn_dim() const { return ffn_multiplier * d_model; }
  bool operator==(const TransformerConfig& other) const;
};

// Everything needed to rebuild a classifier's network (not its weights, not how it was trained).
struct ModelConfig {
  Architecture architecture = Architecture::kBag;
  std::uint32_t table_size = 0;   // rows of the feature table: vocab_size + hash_buckets (from the shard)
  std::uint32_t vocab_size = 0;   // subword vocabulary; subword ids are below it
  int dim = 100;                  // width of the bag table (bag, cnn) and of cnn's subword table
  int hidden = 0;                 // width of one ReLU layer between the pooled vector and the heads; 0: none
  float dropout = 0.1f;           // training only: before the hidden layer, after it, and on the
                                  // transformer's residual branches
  int max_subwords = 128;         // cnn and transformer read the first max_subwords subwords of a post
  bool sparse_embeddings = true;  // sparse gradients for the vocab- and table-sized embeddings: the
                                  // trainer's default (its tables learn by sparse SGD); Adam rejects them
  int dense_inputs = 0;           // values of the dense channel (style, fluency) fed beside the pooled
                                  // vector, standardised by dense_shift and dense_scale; 0: none
  std::vector<HeadConfig> heads;  // in the order of the labels in a batch
  CnnConfig cnn;                  // used when architecture is kCnn
  TransformerConfig transformer;  // used when architecture is kTransformer

  // Throws Error(kConfig, "model.<field>", message) on the first value out of range. Every section is
  // checked whatever the architecture, so a stored config is always valid as a whole.
  void validate() const;
  std::string to_json() const;
  // Every key is required and unknown keys are rejected; throws Error(kFormat, "model config").
  static ModelConfig from_json(std::string_view json);
  bool operator==(const ModelConfig& other) const;
};

}  // namespace sieve::infer
