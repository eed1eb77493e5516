#include "sieve/runtime/score_json.h"

#include <algorithm>
#include <cstdint>

namespace sieve::infer {

void write_scores(JsonWriter& w, const Model& model, const float* probabilities, std::string_view lang,
                  const PostFamiliarity* familiarity) {
  w.key("scores").begin_object();
  for (std::size_t h = 0; h < model.heads().size(); ++h) {
    const HeadInfo& head = model.heads()[h];
    const float* p = probabilities + model.output_offset(h);
    w.key(head.name);
    if (head.binary) {
      w.value(static_cast<double>(p[0]));
      continue;
    }
    w.begin_object();
    for (std::size_t c = 0; c < head.labels.size(); ++c)
      w.key(head.labels[c]).value(static_cast<double>(p[c]));
    w.end_object();
  }
  w.end_object();
  if (const OutOfDomain* ood = model.out_of_domain(); ood && familiarity) {
    w.key("ood").value(ood->ood(familiarity->rarity, lang));
  }
  w.key("decisions").begin_object();
  for (std::size_t h = 0; h < model.heads().size(); ++h) {
    const HeadInfo& head = model.heads()[h];
    const float* p = probabilities + model.output_offset(h);
    w.key(head.name);
    if (head.binary) {
      w.value(p[0] >= head.threshold_for(lang));
    } else {
      const auto best = std::max_element(p, p + head.labels.size()) - p;
      w.value(head.labels[static_cast<std::size_t>(best)]);
    }
  }
  w.end_object();
}

void write_explanation(JsonWriter& w, const Model& model, std::string_view text, std::size_t top_k,
                       ScoreWorkspace& workspace) {
  w.key("explain").begin_object();
  for (std::size_t h = 0; h < model.heads().size(); ++h) {
    w.key(model.heads()[h].name).begin_array();
    for (const auto& span : model.explain(text, h, top_k, workspace)) {
      w.begin_object().key("span").value(span.text);
      w.key("begin")
          .value(static_cast<std::uint64_t>(span.begin))
          .key("end")
          .value(static_cast<std::uint64_t>(span.end));
      w.key("logit_change").value(static_cast<double>(span.logit_change)).end_object();
    }
    w.end_array();
  }
  w.end_object();
  w.key("normalized").value(model.featurizer().normalizer().normalize(text));
}

}  // namespace sieve::infer
