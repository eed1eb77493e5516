#include "sieve/analysis/model_labels.h"

namespace sieve::analysis {

datasets::LabelSchema label_schema_of(const infer::Model& model) {
  datasets::LabelSchema schema;
  for (const infer::HeadInfo& head : model.heads()) {
    const bool zero_one = head.binary && head.labels == std::vector<std::string>{"0", "1"};
    schema.heads.push_back({head.name, zero_one ? std::vector<std::string>{} : head.labels});
  }
  return schema;
}

}  // namespace sieve::analysis
