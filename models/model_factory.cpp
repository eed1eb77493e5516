#include "sieve/models/model_factory.h"

#include "sieve/models/bag_model.h"
#include "sieve/models/cnn_model.h"
#include "sieve/models/transformer_model.h"

namespace sieve::models {

Classifier make_classifier(const ModelConfig& config) {
  config.validate();
  switch (config.architecture) {
    case Architecture::kBag:
      return std::make_shared<BagModelImpl>(config);
    case Architecture::kCnn:
      return std::make_shared<CnnModelImpl>(config);
    case Architecture::kTransformer:
      return std::make_shared<TransformerModelImpl>(config);
  }
  return nullptr;
}

}  // namespace sieve::models
