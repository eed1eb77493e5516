#pragma once
// A SentencePiece unigram model over normalized text: trained by `sieve tokenizer train`, stored as opaque
// bytes inside model.sieve, loaded once and used from many threads.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace sieve::tokenizer {

struct SubwordTrainerOptions {
  int vocab_size = 16000;               // pieces, including <unk>, the placeholders and 256 byte pieces
  double character_coverage = 0.9995;   // share of characters given their own piece; the rarest CJK
                                        // characters fall back to UTF-8 byte pieces instead of <unk>
  std::size_t max_sentences = 1000000;  // training sample; SentencePiece draws it from all input
  int threads = 2;                      // SentencePiece trainer threads
  bool verbose = false;                 // SentencePiece's own progress log on stderr

  // Throws Error(kConfig) naming the option that is out of range.
  void validate() const;
};

class SubwordModel {
 public:
  // Trains on text that the Normalizer has already produced: SentencePiece's own normalization is off
  // (identity rules, no extra white space removal) so it never changes what ours decided.
  static SubwordModel train(const std::vector<std::string>& normalized_texts,
                            const SubwordTrainerOptions& options);
  // Throws Error(kIo) when the file cannot be read, Error(kFormat) when it is not a SentencePiece model.
  static SubwordModel load(const std::string& path);
  static SubwordModel from_bytes(std::string_view serialized, const std::string& where = "tokenizer model");

  // The serialised model (what load() reads and model.sieve stores).
  const std::string& bytes() const { return bytes_; }
  void save(const std::string& path) const;

  int vocab_size() const;
  int unknown_id() const;
  std::string piece(int id) const;

  // Subword ids of normalized text, appended to ids.
  void encode(std::string_view normalized, std::vector<std::uint32_t>& ids) const;
  std::vector<std::string> encode_pieces(std::string_view normalized) const;
  std::string decode(const std::vector<std::uint32_t>& ids) const;

 private:
  SubwordModel(std::shared_ptr<const sentencepiece::SentencePieceProcessor> processor, std::string bytes);

  std::shared_ptr<const sentencepiece::SentencePieceProcessor> processor_;
  std::string bytes_;
};

}  // namespace sieve::tokenizer
