// Writes what the examples of docs/python.md read, into a folder: model.sieve (a small bag model of random
// weights with a real tokenizer, a binary "coordinated" head and a 3-class head, and self-test samples, so
// that sieve.Model loads it as it loads a trained one) and test.jsonl (simulated posts in the records'
// own format, as `sieve data simulate` and `sieve data split` write them). Neither the corpus nor
// training is needed.

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime_model_files.h"
#include "sieve/runtime/model.h"
#include "sieve/simulator/simulator.h"

namespace {

void write_model(const std::string& path) {
  using namespace sieve::infer;
  testing::ModelParts parts = testing::bag_parts(/*hidden=*/4);
  parts.temperature = 1.0;  // the stored samples are the model's own probabilities
  testing::write(parts, path);
  const auto model = Model::load(path);
  ScoreWorkspace workspace;
  std::vector<float> p(model->output_count());
  for (const std::string post : {"Why you hide the report? The people of Canada deserve the truth.",
                                 "Trudeau a menti aux Canadiens, honte!", "特鲁多必须下台"}) {
    model->score(post, workspace, p.data());
    parts.self_test.push_back({post, std::vector<double>(p.begin(), p.end())});
  }
  testing::write(parts, path);
}

void write_records(const std::string& path) {
  sieve::datasets::SimulatorOptions options;
  options.posts = 300;
  options.seed = 7;
  sieve::datasets::CampaignSimulator simulator(options);
  std::ofstream out(path, std::ios::binary);
  std::string line;
  for (sieve::datasets::Record record; simulator.next(record);) {
    line.clear();
    sieve::datasets::append_jsonl(record, simulator.schema(), line);
    out << line << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <folder>\n", argv[0]);
    return 2;
  }
  try {
    const std::filesystem::path folder = argv[1];
    std::filesystem::create_directories(folder);
    write_model((folder / "model.sieve").string());
    write_records((folder / "test.jsonl").string());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "write_fixtures: %s\n", e.what());
    return 1;
  }
  return 0;
}
