#include "sieve/models/parameter_export.h"

namespace sieve::models {

void add_parameters(infer::ModelFileWriter& writer, ClassifierImpl& model) {
  for (const auto& item : model.named_parameters()) {
    const torch::Tensor t = item.value().detach().to(torch::kFloat32).contiguous();
    const infer::Shape shape(t.sizes().begin(), t.sizes().end());
    writer.add_tensor(item.key(), infer::DType::kF32, shape, t.data_ptr<float>(),
                      static_cast<std::size_t>(t.numel()) * sizeof(float));
  }
}

}  // namespace sieve::models
