#pragma once
// What adapting a model to a new campaign changed: each post's probability per head (for the before/after
// report of the held-back posts), and what each head keeps of the base model's sources on check posts
// (`sieve adapt`'s forgetting check).

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "sieve/datasets/record.h"
#include "sieve/datasets/replay_sample.h"
#include "sieve/runtime/model.h"

namespace sieve::analysis {

// Each post's probability per schema head under a model; NaN for a head the model lacks.
std::vector<std::vector<double>> head_probabilities(const infer::Model& model,
                                                    const datasets::LabelSchema& schema,
                                                    const std::vector<datasets::Record>& records,
                                                    int threads);

// Posts of a class a source needs on the check posts for its ROC-AUC to count.
constexpr std::size_t kCheckMinPerClass = 20;

// What a model keeps of each schema head on the check posts: head name → the mean ROC-AUC within the
// sources that have kCheckMinPerClass posts of each class (the head's ROC-AUC over all check posts when
// none has). Within-source, because a head that still tells the sources apart can have forgotten the signal
// inside each of them (measured: an adapted machine head kept its ROC-AUC over the check posts while
// losing 0.07 to 0.14 within MT sources). The check posts come from the base model's sources, so an adapted
// head is checked too: it must not forget the sources it knew while it learns the campaign.
std::map<std::string, double> check_roc_aucs(const infer::Model& model, const datasets::LabelSchema& schema,
                                             const datasets::ReplayCheckPosts& check);

// The largest drop of a head's check ROC-AUC from the base model's (0 when nothing dropped); head names it.
double largest_drop(const std::map<std::string, double>& base, const std::map<std::string, double>& after,
                    std::string& head);

}  // namespace sieve::analysis
