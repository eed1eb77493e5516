#pragma once
// The parts of the Python module `sieve`, each registered by its own file (docs/python.md).

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <vector>

#include "sieve/runtime/model.h"
#include "sieve/tokenizer/featurizer.h"
#include "sieve/tokenizer/normalizer.h"

namespace sieve::python {

// What Python holds: the C++ objects behind shared pointers, so that a Normalizer or Tokenizer taken from
// a Model keeps the model alive (aliasing pointers into it).
struct ModelHandle {
  std::shared_ptr<const infer::Model> model;
  std::string path;
};
struct NormalizerHandle {
  std::shared_ptr<const tokenizer::Normalizer> normalizer;
};
struct TokenizerHandle {
  std::shared_ptr<const tokenizer::Featurizer> featurizer;
};

void bind_model(pybind11::module_& m);    // sieve.Model
void bind_text(pybind11::module_& m);     // sieve.Normalizer, sieve.Tokenizer
void bind_metrics(pybind11::module_& m);  // sieve.metrics
void bind_adapt(pybind11::module_& m);    // sieve.adapt, sieve.campaigns, sieve.remove_campaign

// A str as UTF-8. Lone surrogates (which a str can hold, and UTF-8 cannot) pass through as the invalid
// bytes they would be, so the normalizer replaces and counts them as it does invalid UTF-8 in a file.
std::string utf8_of(const pybind11::handle& text);

// The posts of any iterable of str (a list, a tuple, a pandas Series), as UTF-8. Raises TypeError naming
// the first element that is not a str ("<what> 3: expected str, got int").
std::vector<std::string> posts_of(const pybind11::handle& texts, const char* what = "post");

}  // namespace sieve::python
