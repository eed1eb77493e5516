// The fluency model file (a section of model.sieve) on arbitrary bytes, read both ways the code reads it:
// copied (deserialize) and used in place (view, as the runtime does inside its mapping). A model that loads
// scores posts, with its statistics, to finite values under every fold it has. The first byte's low bit
// asks for the length field and the checksum to be rewritten to match the rest, as a hostile file would
// have them, so that the fuzzer reaches the tables behind them.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "sieve/tokenizer/fluency_model.h"

namespace {

constexpr std::uint64_t kChecksumSeed = 0x666C75656E637921ULL;  // the format's (fluency_model_file.cpp)

void put_u64(std::string& bytes, std::size_t offset, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) bytes[offset + i] = static_cast<char>(value >> (8 * i));
}

void score_everything(const sieve::tokenizer::FluencyModel& model) {
  using sieve::tokenizer::kFluencyFeatureCount;
  using sieve::tokenizer::kFluencyStatisticCount;
  float values[kFluencyFeatureCount + kFluencyStatisticCount];
  for (const char* text : {"the minister hid the report <url>", "le ministre a menti", "这个总理隐瞒了真相", ""}) {
    for (int fold = 0; fold < model.folds(); ++fold) {
      model.score(text, "", fold, values, values + kFluencyFeatureCount);
      for (const float v : values) {
        if (!std::isfinite(v)) std::abort();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto bytes = std::make_shared<std::string>(reinterpret_cast<const char*>(data + 1), size - 1);
  if ((data[0] & 1) != 0 && bytes->size() >= 28) {
    put_u64(*bytes, 12, bytes->size());
    put_u64(*bytes, bytes->size() - 8,
            sieve::hash64(std::string_view(*bytes).substr(0, bytes->size() - 8), kChecksumSeed));
  }
  try {
    score_everything(sieve::tokenizer::FluencyModel::deserialize(*bytes, "fuzz"));
  } catch (const sieve::Error&) {
  }
  try {
    score_everything(sieve::tokenizer::FluencyModel::view(*bytes, "fuzz", bytes));
  } catch (const sieve::Error&) {
  }
  return 0;
}
