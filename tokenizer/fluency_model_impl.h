#pragma once
// Private to tokenizer/: what a FluencyModel holds, shared by its scoring (fluency_model.cpp), training
// (fluency_trainer.cpp) and file format (fluency_model_file.cpp).

#include <algorithm>
#include <array>
#include <memory>
#include <string_view>

#include "kneser_ney.h"
#include "sieve/tokenizer/fluency_model.h"

namespace sieve::tokenizer {

namespace detail {

enum Language : int { kEnglish, kFrench, kChinese, kLanguageCount };
inline constexpr std::array<std::string_view, kLanguageCount> kLanguages = {"en", "fr", "zh"};
enum Kind : int { kWords, kChars, kKindCount };
// The contrast models' texts, in file order: FluencyText::kLearner, then kMachine.
enum Contrast : int { kLearnerText, kMachineText, kContrastCount };

inline int language_index(std::string_view lang) {
  const auto it = std::find(kLanguages.begin(), kLanguages.end(), lang);
  return it == kLanguages.end() ? -1 : static_cast<int>(it - kLanguages.begin());
}

}  // namespace detail

struct FluencyModel::Impl {
  using Models = detail::KneserNeyModel[detail::kLanguageCount][detail::kKindCount];

  // The owner of the bytes the tables of a model from FluencyModel::view point into (null when they are
  // the models' own).
  std::shared_ptr<const void> keep_alive;

  FluencyOptions options;
  int folds = 2;       // 1: the serving half alone (fold 0)
  Models models[2];    // [fold][language][kind]: native text
  bool contrast = false;  // whether contrast[] learned from any text
  Models contrasts[2][detail::kContrastCount];  // [fold][learner or machine][language][kind]

  int order(int kind) const { return kind == detail::kWords ? options.word_order : options.char_order; }
};

}  // namespace sieve::tokenizer
