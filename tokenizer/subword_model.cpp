#include "sieve/tokenizer/subword_model.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <exception>
#include <sstream>
#include <unordered_map>

#include "sieve/core/atomic_file.h"
#include "sieve/core/error.h"
#include "sieve/core/file_bytes.h"
#include "sieve/tokenizer/normalizer.h"

// Exported by libsentencepiece but missing from its public headers; the only switch for its logging.
namespace sentencepiece::logging {
void SetMinLogLevel(int level);
}

namespace sieve::tokenizer {
namespace {

constexpr int kLogWarnings = 1;
constexpr int kLogInfo = 0;

class VectorIterator : public sentencepiece::SentenceIterator {
 public:
  explicit VectorIterator(const std::vector<std::string>& texts) : texts_(texts) { skip_empty(); }
  bool done() const override { return index_ >= texts_.size(); }
  void Next() override {
    ++index_;
    skip_empty();
  }
  const std::string& value() const override { return texts_[index_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  void skip_empty() {
    while (index_ < texts_.size() && texts_[index_].empty()) ++index_;
  }
  const std::vector<std::string>& texts_;
  std::size_t index_ = 0;
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

void SubwordTrainerOptions::validate() const {
  if (vocab_size < 300 || vocab_size > 1000000) {
    throw Error(
        ErrorKind::kConfig, "tokenizer.vocab_size",
        "must be between 300 (room for 256 byte pieces) and 1000000, got " + std::to_string(vocab_size));
  }
  if (!(character_coverage >= 0.98 && character_coverage <= 1.0)) {
    throw Error(ErrorKind::kConfig, "tokenizer.character_coverage",
                "must be between 0.98 and 1, got " + std::to_string(character_coverage));
  }
  if (max_sentences == 0) throw Error(ErrorKind::kConfig, "tokenizer.max_sentences", "must be positive");
  if (threads < 1 || threads > 256) {
    throw Error(ErrorKind::kConfig, "tokenizer.threads",
                "must be between 1 and 256, got " + std::to_string(threads));
  }
}

SubwordModel::SubwordModel(std::shared_ptr<const sentencepiece::SentencePieceProcessor> processor,
                           std::string bytes)
    : processor_(std::move(processor)), bytes_(std::move(bytes)) {}

SubwordModel SubwordModel::train(const std::vector<std::string>& normalized_texts,
                                 const SubwordTrainerOptions& options) {
  options.validate();
  std::size_t non_empty = 0;
  for (const auto& text : normalized_texts) non_empty += !text.empty();
  if (non_empty == 0)
    throw Error(ErrorKind::kInvalidInput, "tokenizer training", "no non-empty text to learn from");

  const std::unordered_map<std::string, std::string> args = {
      {"model_type", "unigram"},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"hard_vocab_limit", "false"},  // a small corpus yields a smaller vocabulary instead of failing
      {"character_coverage", std::to_string(options.character_coverage)},
      {"input_sentence_size", std::to_string(options.max_sentences)},
      {"shuffle_input_sentence", "true"},
      {"num_threads", std::to_string(options.threads)},
      {"normalization_rule_name", "identity"},
      {"remove_extra_whitespaces", "false"},
      {"add_dummy_prefix", "true"},
      {"byte_fallback", "true"},
      {"split_digits", "false"},
      {"user_defined_symbols", join(placeholder_tokens())},
      {"unk_id", "0"},
      {"bos_id", "-1"},
      {"eos_id", "-1"},
      {"pad_id", "-1"},
  };
  sentencepiece::logging::SetMinLogLevel(options.verbose ? kLogInfo : kLogWarnings);
  sentencepiece::SetRandomGeneratorSeed(1);  // the training sample, and so the model, is reproducible
  VectorIterator iterator(normalized_texts);
  std::string serialized;
  const auto status = sentencepiece::SentencePieceTrainer::Train(args, &iterator, &serialized);
  if (!status.ok()) throw Error(ErrorKind::kInvalidInput, "tokenizer training", status.ToString());
  return from_bytes(serialized, "trained tokenizer model");
}

SubwordModel SubwordModel::load(const std::string& path) {
  return from_bytes(read_file(path, "tokenizer model"), path);
}

SubwordModel SubwordModel::from_bytes(std::string_view serialized, const std::string& where) {
  auto processor = std::make_shared<sentencepiece::SentencePieceProcessor>();
  sentencepiece::util::Status status;
  try {
    status = processor->LoadFromSerializedProto(serialized);
  } catch (const std::exception& e) {
    // Not every bad model is a status: its piece trie (Darts) throws on an empty piece, for one.
    throw Error(ErrorKind::kFormat, where, std::string("not a usable SentencePiece model: ") + e.what());
  }
  if (!status.ok()) throw Error(ErrorKind::kFormat, where, "not a SentencePiece model: " + status.ToString());
  if (processor->GetPieceSize() <= 0)
    throw Error(ErrorKind::kFormat, where, "SentencePiece model has no pieces");
  return SubwordModel(std::move(processor), std::string(serialized));
}

void SubwordModel::save(const std::string& path) const { write_file_atomically(path, bytes_); }

int SubwordModel::vocab_size() const { return processor_->GetPieceSize(); }

int SubwordModel::unknown_id() const { return processor_->unk_id(); }

std::string SubwordModel::piece(int id) const {
  if (id < 0 || id >= vocab_size()) return {};
  return processor_->IdToPiece(id);
}

void SubwordModel::encode(std::string_view normalized, std::vector<std::uint32_t>& ids) const {
  std::vector<int> pieces;
  const auto status = processor_->Encode(normalized, &pieces);
  // Encoding valid UTF-8 with byte fallback cannot fail; if it ever does, the post gets no subwords
  // rather than taking down a server.
  if (!status.ok()) return;
  for (const int id : pieces) ids.push_back(static_cast<std::uint32_t>(id));
}

std::vector<std::string> SubwordModel::encode_pieces(std::string_view normalized) const {
  std::vector<std::string> pieces;
  if (!processor_->Encode(normalized, &pieces).ok()) pieces.clear();
  return pieces;
}

std::string SubwordModel::decode(const std::vector<std::uint32_t>& ids) const {
  std::vector<int> pieces;
  for (const auto id : ids) {
    if (id < static_cast<std::uint32_t>(vocab_size())) pieces.push_back(static_cast<int>(id));
  }
  std::string text;
  if (!processor_->Decode(pieces, &text).ok()) text.clear();
  return text;
}

}  // namespace sieve::tokenizer
