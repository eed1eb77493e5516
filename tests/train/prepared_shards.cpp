#include "prepared_shards.h"

#include <filesystem>
#include <fstream>
#include <vector>

#include "sieve/datasets/record.h"
#include "sieve/datasets/shard.h"

namespace sieve::train {

std::string write_prepared(const std::string& name, int records, std::uint32_t seed, bool campaign_head) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  datasets::LabelSchema schema = datasets::LabelSchema::defaults();
  if (campaign_head) schema.heads.push_back({"campaign", {}});
  datasets::ShardWriter writer(schema, 64);
  std::uint32_t state = seed;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (int i = 0; i < records; ++i) {
    const bool coordinated = next() % 2, abusive = next() % 3 == 0, campaign = next() % 4 == 0;
    std::vector<std::uint32_t> ids = {10 + next() % 20, 10 + next() % 20};
    if (coordinated) ids.push_back(3);
    if (abusive) ids.push_back(4);
    if (campaign) ids.push_back(5);
    const std::int8_t abusive_label =
        i % 5 == 0 ? datasets::kMissingLabel : static_cast<std::int8_t>(abusive);
    std::vector<std::int8_t> labels = {static_cast<std::int8_t>(coordinated), datasets::kMissingLabel,
                                       datasets::kMissingLabel, abusive_label};
    if (campaign_head) labels.push_back(static_cast<std::int8_t>(campaign));
    writer.add({"r", "t", i % 2 ? "en" : "fr", "g", "s", 0, labels}, ids.data(), ids.size(), 2);
  }
  writer.write((dir / "shard-00000.bin").string());
  std::ofstream(dir / "tokenizer.model") << "stand-in tokenizer bytes";
  std::ofstream(dir / "manifest.json")
      << R"({"format":"sieve-shards","version":1,"inputs":[],"heads":)" << schema.to_json()
      << R"(,"tokenizer":{"model":"tokenizer.model","vocab_size":32,"table_size":64,"normalizer":{"nfkc":true},)"
      << R"("featurizer":{"hash_buckets":32}},"shards":[{"file":"shard-00000.bin"}],"samples":["a","b","c"]})";
  return dir.string();
}

}  // namespace sieve::train
