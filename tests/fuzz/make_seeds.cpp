// Writes the binary seeds of the fuzz targets into <folder>/<target>/: a runtime model (a small bag model
// with a real tokenizer, alone and with a campaign model beside a head), a shard with dense values and a
// fluency model with contrast models, written by the current code so that the seeds always match the formats.
// The text seeds are files in tests/fuzz/seeds/.

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime_model_files.h"
#include "sieve/datasets/shard.h"
#include "sieve/runtime/campaign_model.h"
#include "sieve/tokenizer/fluency_model.h"

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

// Both halves, native and learner text in each, tables of a few n-grams: the format's every part, small.
// The first byte is the fuzzer's (fluency_fuzzer.cpp): 1 rewrites the length and checksum after a mutation.
void write_fluency(const std::string& path) {
  sieve::tokenizer::FluencyOptions options;
  options.buckets_log2 = 6;
  sieve::tokenizer::FluencyTrainer trainer(options);
  for (int fold = 0; fold < 2; ++fold) {
    trainer.add("the minister hid the report", "en", fold);
    trainer.add("le ministre a menti", "fr", fold);
    trainer.add("这个总理隐瞒了真相", "zh", fold);
    trainer.add("the minister hide report", "en", fold, sieve::tokenizer::FluencyText::kLearner);
  }
  const std::string bytes = "\x01" + trainer.finish().serialize();
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return;
  std::fwrite(bytes.data(), 1, bytes.size(), file);
  std::fclose(file);
}

// The bag model with a campaign of its first head, every weight set, so the fuzzer starts from the
// campaign part's metadata and tensors.
void write_campaign_model(const std::string& base, std::size_t table_size, const std::string& path) {
  const sieve::infer::ModelFile file = sieve::infer::ModelFile::open(base);
  sieve::infer::CampaignModel campaign({"seed", "coordinated", 10, 5, 20, "2026-01-01T00:00:00Z", "{}"},
                                       table_size, 0);
  for (std::size_t r = 0; r < table_size; ++r) {
    campaign.score_rows()[r] = static_cast<float>(r % 7) / 7 - 0.5f;
    campaign.gate_rows()[r] = static_cast<float>(r % 5) / 5;
  }
  campaign.base_weight = 0.5f;
  campaign.score_bias = -0.25f;
  campaign.gate_bias = 0.1f;
  sieve::infer::write_with_campaigns(file, {campaign}, path);
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
  fs::create_directories(root / "fluency_fuzzer");
  sieve::infer::testing::ModelParts parts = sieve::infer::testing::bag_parts(4);
  sieve::infer::testing::write(parts, (root / "model_fuzzer" / "bag.sieve").string());
  write_campaign_model((root / "model_fuzzer" / "bag.sieve").string(), parts.table_size,
                       (root / "model_fuzzer" / "bag-campaign.sieve").string());
  write_shard((root / "shard_fuzzer" / "three_posts.shard").string());
  write_fluency((root / "fluency_fuzzer" / "tiny.flm").string());
  return 0;
}
