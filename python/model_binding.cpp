// sieve.Model: a model.sieve loaded (and self-tested) as `sieve score` loads it; scores as numpy arrays with
// the GIL released, decisions, the records `sieve score` writes, explanations.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <functional>
#include <optional>

#include "bindings.h"
#include "sieve/analysis/score_lines.h"
#include "sieve/core/json_writer.h"
#include "sieve/core/text_limits.h"
#include "sieve/datasets/reader_config.h"
#include "sieve/runtime/checked_model.h"
#include "sieve/runtime/score_json.h"
#include "sieve/tokenizer/script_hint.h"

namespace py = pybind11;

namespace sieve::python {
namespace {

using Scores = py::array_t<float, py::array::c_style | py::array::forcecast>;

int arena_threads(int threads) {
  if (threads < 0) throw py::value_error("threads: 0 (all cores) or more, not " + std::to_string(threads));
  return threads > 0 ? threads : tbb::info::default_concurrency();
}

// Column names of a row of scores: a binary head's name, "head:label" for each class of another head.
std::vector<std::string> output_names(const infer::Model& model) {
  std::vector<std::string> names;
  for (const infer::HeadInfo& head : model.heads()) {
    if (head.binary) {
      names.push_back(head.name);
    } else {
      for (const std::string& label : head.labels) names.push_back(head.name + ":" + label);
    }
  }
  return names;
}

std::size_t head_index(const infer::Model& model, const std::string& name) {
  std::string known;
  for (std::size_t h = 0; h < model.heads().size(); ++h) {
    if (model.heads()[h].name == name) return h;
    known += (h ? ", " : "") + model.heads()[h].name;
  }
  throw py::value_error("no head '" + name + "' (the model has " + known + ")");
}

// One value per post: the given ones (as many as posts), or fallback(i) for post i when none are given.
std::vector<std::string> per_post(const std::optional<py::object>& given, std::size_t posts, const char* what,
                                  const std::function<std::string(std::size_t)>& fallback) {
  std::vector<std::string> out;
  if (!given || given->is_none()) {
    for (std::size_t i = 0; i < posts; ++i) out.push_back(fallback(i));
    return out;
  }
  out = posts_of(*given, what);
  if (out.size() != posts) {
    throw py::value_error(std::string(what) + ": " + std::to_string(out.size()) + " for " +
                          std::to_string(posts) + " posts");
  }
  return out;
}

// What `sieve score` and the server refuse, the module refuses too: a post longer than max_text_bytes, or
// one that is not valid UTF-8, which from Python means a str holding a lone surrogate ("\ud800").
void check_post(const std::string& post, std::size_t max_text_bytes, const std::string& what) {
  std::string problem = datasets::text_problem(post, max_text_bytes);
  if (problem.empty()) return;
  if (problem.rfind("invalid UTF-8", 0) == 0)
    problem += ": the str holds a lone surrogate (U+D800 to U+DFFF), which UTF-8 cannot encode";
  throw py::value_error(what + ": " + problem);
}

std::vector<std::string> checked_posts(const py::handle& texts, std::size_t max_text_bytes) {
  std::vector<std::string> posts = posts_of(texts);
  for (std::size_t i = 0; i < posts.size(); ++i)
    check_post(posts[i], max_text_bytes, "post " + std::to_string(i));
  return posts;
}

py::array_t<float> score(const ModelHandle& m, const py::handle& texts, int threads,
                         std::size_t max_text_bytes) {
  const std::vector<std::string> posts = checked_posts(texts, max_text_bytes);
  const int workers = arena_threads(threads);
  const auto rows = static_cast<py::ssize_t>(posts.size());
  py::array_t<float> out({rows, static_cast<py::ssize_t>(m.model->output_count())});
  float* data = out.mutable_data();
  {
    py::gil_scoped_release release;
    const std::vector<std::string_view> views(posts.begin(), posts.end());
    tbb::task_arena arena(workers);
    arena.execute([&] { m.model->score_batch(views, data); });
  }
  return out;
}

// Per head: a bool array (binary heads, at the threshold of each post's language) or the chosen labels.
py::dict decide(const ModelHandle& m, const Scores& scores, const std::optional<py::object>& langs) {
  const infer::Model& model = *m.model;
  if (scores.ndim() != 2 || static_cast<std::size_t>(scores.shape(1)) != model.output_count()) {
    throw py::value_error("scores: expected an array of [posts x " + std::to_string(model.output_count()) +
                          "], as Model.score returns");
  }
  const auto rows = static_cast<std::size_t>(scores.shape(0));
  const std::vector<std::string> lang_of =
      per_post(langs, rows, "langs", [](std::size_t) { return std::string(); });
  py::dict out;
  for (std::size_t h = 0; h < model.heads().size(); ++h) {
    const infer::HeadInfo& head = model.heads()[h];
    const std::size_t offset = model.output_offset(h);
    if (head.binary) {
      py::array_t<bool> decided(static_cast<py::ssize_t>(rows));
      bool* d = decided.mutable_data();
      for (std::size_t i = 0; i < rows; ++i) d[i] = *scores.data(i, offset) >= head.threshold_for(lang_of[i]);
      out[py::str(head.name)] = decided;
    } else {
      py::list chosen;
      for (std::size_t i = 0; i < rows; ++i) {
        const float* p = scores.data(i, offset);
        chosen.append(head.labels[static_cast<std::size_t>(std::max_element(p, p + head.labels.size()) - p)]);
      }
      out[py::str(head.name)] = chosen;
    }
  }
  return out;
}

// The records `sieve score` writes, as dicts: id, lang, scores, ood (when the model has the statistics),
// decisions, and with explain > 0 the spans and the normalized text.
py::list score_records(const ModelHandle& m, const py::handle& texts, const std::optional<py::object>& ids,
                       const std::optional<py::object>& langs, std::size_t explain, int threads,
                       std::size_t max_text_bytes) {
  const infer::Model& model = *m.model;
  const std::vector<std::string> posts = checked_posts(texts, max_text_bytes);
  const std::vector<std::string> id_of =
      per_post(ids, posts.size(), "ids", [](std::size_t i) { return std::to_string(i); });
  const std::vector<std::string> lang_of = per_post(langs, posts.size(), "langs", [&](std::size_t i) {
    return std::string(tokenizer::guess_language(posts[i]));
  });
  const int workers = arena_threads(threads);
  std::vector<std::string> lines(posts.size());
  {
    py::gil_scoped_release release;
    const std::size_t width = model.output_count();
    std::vector<float> probabilities(posts.size() * width);
    std::vector<infer::PostFamiliarity> familiarity(posts.size());
    const bool has_ood = model.out_of_domain() != nullptr;
    tbb::task_arena arena(workers);
    arena.execute([&] {
      const std::vector<std::string_view> views(posts.begin(), posts.end());
      model.score_batch(views, probabilities.data(), has_ood ? familiarity.data() : nullptr);
      tbb::enumerable_thread_specific<infer::ScoreWorkspace> workspaces;
      tbb::parallel_for(std::size_t{0}, posts.size(), [&](std::size_t i) {
        JsonWriter w;
        w.begin_object().key("id").value(id_of[i]).key("lang").value(lang_of[i]);
        infer::write_scores(w, model, &probabilities[i * width], lang_of[i],
                            has_ood ? &familiarity[i] : nullptr);
        if (explain > 0) infer::write_explanation(w, model, posts[i], explain, workspaces.local());
        w.end_object();
        lines[i] = w.take();
      });
    });
  }
  const py::object loads = py::module_::import("json").attr("loads");
  py::list records;
  for (const std::string& line : lines) records.append(loads(line));
  return records;
}

py::list explain(const ModelHandle& m, const py::str& post, const std::string& head, std::size_t k,
                 std::size_t max_text_bytes) {
  const std::string text = utf8_of(post);
  check_post(text, max_text_bytes, "text");
  infer::ScoreWorkspace workspace;
  std::vector<infer::SpanContribution> spans;
  {
    py::gil_scoped_release release;
    spans = m.model->explain(text, head_index(*m.model, head), k, workspace);
  }
  py::list out;
  for (const infer::SpanContribution& s : spans) {
    out.append(py::dict(py::arg("span") = s.text, py::arg("begin") = s.begin, py::arg("end") = s.end,
                        py::arg("logit_change") = s.logit_change));
  }
  return out;
}

py::dict self_test(const ModelHandle& m) {
  infer::SelfTestResult r;
  {
    py::gil_scoped_release release;
    r = m.model->self_test();
  }
  return py::dict(py::arg("samples") = r.samples, py::arg("max_difference") = r.max_difference,
                  py::arg("tolerance") = r.tolerance, py::arg("passed") = r.passed());
}

py::dict thresholds(const ModelHandle& m, bool per_language) {
  py::dict out;
  for (const infer::HeadInfo& head : m.model->heads()) {
    if (!head.binary) continue;
    if (!per_language) {
      out[py::str(head.name)] = head.threshold;
      continue;
    }
    py::dict langs;
    for (const auto& [lang, rate] : head.language_thresholds) langs[py::str(lang)] = rate.threshold;
    out[py::str(head.name)] = langs;
  }
  return out;
}

// Model.score_file: a file of posts scored into a file of JSON lines as `sieve score` writes them, in C++
// with the GIL released (the whole cost of a file stays out of Python: python/sieve_dask.py runs it on Dask
// workers).
py::dict score_file(const ModelHandle& m, const std::string& input, const std::string& output, int threads) {
  analysis::ScoringOptions options;
  options.threads = arena_threads(threads);
  datasets::ReaderConfig config;
  config.schema = {};  // labels in the input are not needed to score it, as in `sieve score`
  analysis::ScoredFile scored;
  {
    py::gil_scoped_release release;
    scored = analysis::score_file(*m.model, input, output, config, options);
  }
  py::dict out;
  out["path"] = input;
  out["output"] = output;
  out["rows"] = scored.stats.rows;
  out["posts"] = scored.stats.accepted;
  out["rejected"] = scored.stats.rejected;
  out["problems"] = scored.problems;
  return out;
}

}  // namespace

void bind_model(py::module_& m) {
  py::class_<ModelHandle>(m, "Model", "A model.sieve loaded for scoring raw posts (Torch-free).")
      .def(py::init([](const std::string& path, bool self_test) {
             py::gil_scoped_release release;
             return ModelHandle{self_test ? infer::load_checked_model(path) : infer::Model::load(path), path};
           }),
           py::arg("path"), py::arg("self_test") = true,
           "Loads and checks the file, then (self_test) scores the sample posts the trainer stored in it and "
           "refuses a model that does not compute what was trained, as `sieve score` does.")
      .def_property_readonly("path", [](const ModelHandle& h) { return h.path; })
      .def_property_readonly(
          "heads",
          [](const ModelHandle& h) {
            std::vector<std::string> names;
            for (const infer::HeadInfo& head : h.model->heads()) names.push_back(head.name);
            return names;
          },
          "head names, in the order of the score columns")
      .def_property_readonly(
          "labels",
          [](const ModelHandle& h) {
            py::dict out;
            for (const infer::HeadInfo& head : h.model->heads()) out[py::str(head.name)] = head.labels;
            return out;
          },
          "head -> class labels ([\"0\", \"1\"] for a binary head)")
      .def_property_readonly(
          "outputs", [](const ModelHandle& h) { return output_names(*h.model); },
          "the column names of Model.score's array: a binary head's name, head:label for other heads")
      .def_property_readonly(
          "thresholds", [](const ModelHandle& h) { return thresholds(h, false); },
          "binary head -> the probability at or above which it decides positive")
      .def_property_readonly(
          "language_thresholds", [](const ModelHandle& h) { return thresholds(h, true); },
          "binary head -> language -> threshold: the languages `sieve calibrate --organic` gave their own")
      .def_property_readonly(
          "normalizer",
          [](const ModelHandle& h) {
            return NormalizerHandle{{h.model, &h.model->featurizer().normalizer()}};
          },
          "the normalizer the model reads posts through")
      .def_property_readonly(
          "tokenizer",
          [](const ModelHandle& h) {
            return TokenizerHandle{{h.model, &h.model->featurizer()}};
          },
          "the tokenizer and featurizer inside the model")
      .def(
          "score", &score, py::arg("texts"), py::arg("threads") = 0,
          py::arg("max_text_bytes") = kMaxTextBytes,
          "Probabilities of each post: a float32 array [posts x len(outputs)]. Runs on `threads` cores (0: "
          "all) with the GIL released. A post that `sieve score` would reject (over max_text_bytes of UTF-8, "
          "or holding a lone surrogate) raises ValueError naming it.")
      .def("decide", &decide, py::arg("scores"), py::arg("langs") = py::none(),
           "Decisions from Model.score's array: head -> bool array (binary heads, at the threshold of each "
           "post's language when langs is given) or list of chosen labels.")
      .def("score_records", &score_records, py::arg("texts"), py::arg("ids") = py::none(),
           py::arg("langs") = py::none(), py::arg("explain") = 0, py::arg("threads") = 0,
           py::arg("max_text_bytes") = kMaxTextBytes,
           "The records `sieve score` writes, as dicts (id: the index unless ids are given; lang: guessed "
           "from the text unless langs are given); posts are checked as Model.score checks them.")
      .def(
          "score_file", &score_file, py::arg("input"), py::arg("output"), py::arg("threads") = 1,
          "Scores the posts of a JSONL, CSV or TSV file (.gz, .zst) into output as `sieve score` writes them "
          "(output.partial, renamed when complete), with the GIL released; returns path, output, rows, "
          "posts, rejected and the first rejected rows as problems ('<file>:<line>: <reason>').")
      .def("explain", &explain, py::arg("text"), py::arg("head"), py::arg("k") = 3,
           py::arg("max_text_bytes") = kMaxTextBytes,
           "The k spans of the normalized post that moved the head's logit most, either way.")
      .def("self_test", &self_test,
           "Scores the stored sample posts again: samples, max_difference, "
           "tolerance, passed.")
      .def("__repr__", [](const ModelHandle& h) {
        return "<sieve.Model " + h.path + ": " + std::to_string(h.model->heads().size()) + " heads>";
      });
}

}  // namespace sieve::python
