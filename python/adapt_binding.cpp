// sieve.adapt, sieve.campaigns and sieve.remove_campaign: `sieve adapt` (its campaign model) and `sieve
// campaigns` for a notebook, through the procedure they share (sieve/adapt/campaign_adaptation.h).

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bindings.h"
#include "sieve/adapt/campaign_adaptation.h"
#include "sieve/runtime/model.h"

namespace py = pybind11;

namespace sieve::python {
namespace {

py::dict adapt(const std::string& base, const std::string& posts, const std::string& out,
               const std::string& head, const std::optional<std::string>& name,
               const std::optional<std::string>& replay, std::size_t background_posts, bool open_gate,
               double held_back, std::uint64_t seed, const std::optional<py::function>& progress) {
  adapt::CampaignAdaptOptions options;
  options.base = base;
  options.labelled = posts;
  options.out = out;
  options.head = head;
  options.name = name.value_or("");
  options.replay = replay.value_or("");
  options.background_posts = background_posts;
  options.open_gate = open_gate;
  options.held_back_share = held_back;
  options.seed = seed;
  // The progress lines come from the thread that runs the procedure, which holds no GIL while it runs.
  std::function<void(const std::string&)> report;
  if (progress) {
    const py::function& call = *progress;
    report = [&call](const std::string& line) {
      py::gil_scoped_acquire gil;
      call(line);
    };
  }
  adapt::CampaignAdaptResult result;
  {
    py::gil_scoped_release release;
    result = adapt::adapt_campaign(options, report);
  }
  return py::dict(py::module_::import("json").attr("loads")(result.to_json()));
}

py::list campaigns(const std::string& model) {
  std::shared_ptr<const infer::Model> loaded;
  {
    py::gil_scoped_release release;
    loaded = infer::Model::load(model);
  }
  py::list out;
  for (const infer::CampaignModel& c : loaded->campaigns()) {
    const infer::CampaignInfo& i = c.info();
    out.append(py::dict(py::arg("name") = i.name, py::arg("head") = i.head, py::arg("posts") = i.posts,
                        py::arg("positives") = i.positives, py::arg("background") = i.background,
                        py::arg("trained_at") = i.trained_at));
  }
  return out;
}

void remove_campaign(const std::string& model, const std::string& name,
                     const std::optional<std::string>& out) {
  py::gil_scoped_release release;
  adapt::remove_campaign(model, name, out.value_or(model));
}

}  // namespace

void bind_adapt(py::module_& m) {
  m.def(
      "adapt", &adapt, py::arg("base"), py::arg("posts"), py::arg("out"), py::arg("head"),
      py::arg("name") = py::none(), py::arg("replay") = py::none(), py::arg("background_posts") = 2000,
      py::arg("open_gate") = false, py::arg("held_back") = 0.2, py::arg("seed") = 1,
      py::arg("progress") = py::none(),
      "Adapts the model file `base` to a campaign, as `sieve adapt` does: learns a campaign model beside its "
      "binary head `head` from the labelled posts (JSONL/CSV/TSV), with its gate against `background_posts` "
      "posts of the training shards `replay`, and writes the base model with it to `out`. Returns the report "
      "`sieve adapt` writes (held_back: the ROC-AUC of the held-back posts before and after, the interval of "
      "the difference and its verdict). Runs with the GIL released; `progress`, a callable taking a str, "
      "receives the lines the command prints.");
  m.def("campaigns", &campaigns, py::arg("model"),
        "The campaigns a model file holds, as `sieve campaigns` lists them: dicts of name, head, posts, "
        "positives, background and trained_at.");
  m.def("remove_campaign", &remove_campaign, py::arg("model"), py::arg("name"), py::arg("out") = py::none(),
        "Writes the model file without the campaign `name` to `out` (default: in place), as `sieve campaigns "
        "--remove` does.");
}

}  // namespace sieve::python
