// sieve.Normalizer and sieve.Tokenizer: how a model reads a post, for a notebook to look at.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "sieve/tokenizer/subword_model.h"

namespace py = pybind11;

namespace sieve::python {
namespace {

py::object json_loads(const std::string& text) { return py::module_::import("json").attr("loads")(text); }

// Settings from a dict of the keys NormalizerSettings::to_json writes: the defaults, with the given keys
// changed (an unknown key or a bad value raises sieve.Error).
tokenizer::NormalizerSettings normalizer_settings(const std::optional<py::dict>& changes) {
  if (!changes) return {};
  py::dict settings = json_loads(tokenizer::NormalizerSettings{}.to_json());
  for (const auto& [key, value] : *changes) settings[key] = value;
  const std::string json = py::str(py::module_::import("json").attr("dumps")(settings));
  return tokenizer::NormalizerSettings::from_json(json);
}

py::dict features(const TokenizerHandle& t, const py::str& text) {
  const std::string utf8 = utf8_of(text);
  tokenizer::Features f;
  {
    py::gil_scoped_release release;
    f = t.featurizer->featurize(utf8);
  }
  return py::dict(py::arg("ids") = py::array_t<std::uint32_t>(f.ids.size(), f.ids.data()),
                  py::arg("subword_count") = f.subword_count, py::arg("bigram_count") = f.bigram_count,
                  py::arg("ngram_count") = f.ngram_count(),
                  py::arg("dense") = py::array_t<float>(f.dense.size(), f.dense.data()));
}

}  // namespace

void bind_text(py::module_& m) {
  py::class_<NormalizerHandle>(m, "Normalizer", "The text normalizer every post is read through.")
      .def(py::init([](const std::optional<py::dict>& settings) {
             return NormalizerHandle{std::make_shared<tokenizer::Normalizer>(normalizer_settings(settings))};
           }),
           py::arg("settings") = py::none(),
           "The default settings, or the defaults with the keys of `settings` changed (see .settings).")
      .def_property_readonly(
          "settings",
          [](const NormalizerHandle& n) { return json_loads(n.normalizer->settings().to_json()); },
          "the steps and limits, as stored in model.sieve")
      .def(
          "normalize",
          [](const NormalizerHandle& n, const py::str& text) {
            const std::string utf8 = utf8_of(text);
            py::gil_scoped_release release;
            return n.normalizer->normalize(utf8);
          },
          py::arg("text"));

  py::class_<TokenizerHandle>(m, "Tokenizer", "Subwords and features of a post, as a model computes them.")
      .def(py::init([](const std::string& path, const std::optional<NormalizerHandle>& normalizer) {
             const tokenizer::Normalizer n = normalizer ? *normalizer->normalizer : tokenizer::Normalizer();
             return TokenizerHandle{
                 std::make_shared<tokenizer::Featurizer>(n, tokenizer::SubwordModel::load(path))};
           }),
           py::arg("path"), py::arg("normalizer") = py::none(),
           "A SentencePiece model written by `sieve tokenizer train`, with the default feature settings.")
      .def_property_readonly("normalizer",
                             [](const TokenizerHandle& t) {
                               return NormalizerHandle{{t.featurizer, &t.featurizer->normalizer()}};
                             })
      .def_property_readonly("vocab_size",
                             [](const TokenizerHandle& t) { return t.featurizer->subwords().vocab_size(); })
      .def_property_readonly(
          "settings", [](const TokenizerHandle& t) { return json_loads(t.featurizer->settings().to_json()); },
          "the feature settings (hash buckets, n-grams, dense values)")
      .def(
          "encode",
          [](const TokenizerHandle& t, const py::str& text) {
            std::vector<std::uint32_t> ids;
            t.featurizer->subwords().encode(t.featurizer->normalizer().normalize(utf8_of(text)), ids);
            return ids;
          },
          py::arg("text"), "the subword ids of the normalized post")
      .def(
          "pieces",
          [](const TokenizerHandle& t, const py::str& text) {
            return t.featurizer->subwords().encode_pieces(
                t.featurizer->normalizer().normalize(utf8_of(text)));
          },
          py::arg("text"), "the subword pieces of the normalized post")
      .def("features", &features, py::arg("text"),
           "what the network reads: ids (subwords, then bigrams, then character n-grams) and dense values");
}

}  // namespace sieve::python
