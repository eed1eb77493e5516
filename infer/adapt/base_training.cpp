#include "sieve/adapt/base_training.h"

#include <simdjson.h>

#include "sieve/core/config_file.h"

namespace sieve::adapt {

std::string training_config_toml(const infer::Model& model) {
  simdjson::dom::parser parser;
  std::string_view toml;
  if (parser.parse(model.file().metadata("sieve")).at_pointer("/provenance/config").get(toml)) return "";
  return std::string(toml);
}

std::vector<std::string> excluded_sources(const infer::Model& model) {
  std::vector<std::string> sources;
  const std::string toml = training_config_toml(model);
  if (toml.empty()) return sources;
  ConfigFile::parse(toml, model.file().path() + ": provenance.config")
      .table("train")
      .read("exclude_sources", sources);
  return sources;
}

}  // namespace sieve::adapt
