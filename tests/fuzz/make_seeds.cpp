// Writes the binary seeds of the fuzz targets into <folder>/<target>/: a runtime model (a small bag model
// with a real tokenizer) and a shard with dense values, written by the current code so that the seeds
// always match the formats. The text seeds are files in tests/fuzz/seeds/.

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime_model_files.h"
#include "sieve/datasets/shard.h"

namespace {

void write_shard(const std::string& path) {
  sieve::datasets::LabelSchema schema = sieve::datasets::LabelSchema::defaults();
  sieve::datasets::ShardWriter writer(schema, 1000, 2);
  const char* texts[] = {"the minister hid the report", "le ministre a menti", "这个总理隐瞒了真相"};
  const char* langs[] = {"en", "fr", "zh"};
  for (int i = 0; i < 3; ++i) {
    sieve::datasets::Record record;
    record.id = "seed:" + std::to_string(i);
    record.text = texts[i];
    record.lang = langs[i];
    record.group = "account" + std::to_string(i % 2);
    record.source = i == 2 ? "weibo" : "tweets";
    record.labels.assign(schema.heads.size(), sieve::datasets::kMissingLabel);
    record.labels[0] = static_cast<std::int8_t>(i % 2);
    const std::vector<std::uint32_t> ids = {3u + i, 17, 250, 999};
    const float dense[2] = {0.5f * i, -1.0f};
    writer.add(record, ids.data(), ids.size(), 2, dense);
  }
  writer.write(path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <seed folder>\n", argv[0]);
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path root = argv[1];
  fs::create_directories(root / "model_fuzzer");
  fs::create_directories(root / "shard_fuzzer");
  sieve::infer::testing::ModelParts parts = sieve::infer::testing::bag_parts(4);
  sieve::infer::testing::write(parts, (root / "model_fuzzer" / "bag.sieve").string());
  write_shard((root / "shard_fuzzer" / "three_posts.shard").string());
  return 0;
}
