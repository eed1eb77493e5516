#pragma once
// Prepared folders for the trainer's tests, written without the tokenizer (LibTorch-side tests never
// link SentencePiece).

#include <cstdint>
#include <string>

namespace sieve::train {

// A prepared folder in the temporary directory: posts whose ids say their labels (id 3 → coordinated,
// id 4 → abusive), with noise ids and some labels missing, a manifest with samples and a stand-in
// tokenizer model (opaque bytes to the trainer). Table size 64, vocabulary 32.
// With campaign_head, a fifth head "campaign" (id 5 → 1), as a new campaign's label added later.
std::string write_prepared(const std::string& name, int records, std::uint32_t seed,
                           bool campaign_head = false);

}  // namespace sieve::train
