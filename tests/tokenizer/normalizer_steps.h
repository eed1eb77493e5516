#pragma once
// Normalizer settings for tests of one step at a time.

#include "sieve/tokenizer/normalizer.h"

namespace sieve::testing {

// Settings with every step off, so a test can switch on exactly the step it checks.
inline tokenizer::NormalizerSettings no_normalizer_steps() {
  tokenizer::NormalizerSettings s;
  for (const auto& name : tokenizer::NormalizerSettings::step_names()) s.set_step(name, false);
  s.max_char_run = 0;
  return s;
}

}  // namespace sieve::testing
