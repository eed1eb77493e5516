// sieve data stats | prepare, with run configs, run as a user runs them.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "run_sieve.h"

namespace sieve::testing {
namespace {

const std::string kSample = std::string(SIEVE_SOURCE_DIR) + "/examples/posts.jsonl";

// A takedown-style CSV with its own column names and label spelling, and one broken row.
std::string write_archive(const std::string& dir) {
  const std::string path = dir + "/archive.csv";
  std::ofstream(path) << "post_id,author,body,language,label\n"
                         "1,a1,\"Minister Alex Martin hid the report, share!\",en,state-backed\n"
                         "2,a1,Alex Martin stole the money,en,state-backed\n"
                         "3,b7,\"Nice weather today, going to the market\",en,organic\n"
                         "4,c3,\"Belle journée au parc\",fr,organic\n"
                         "5,c3,broken row,fr,unknown-value\n";
  return path;
}

std::string write_config(const std::string& dir) {
  const std::string path = dir + "/run.toml";
  std::ofstream(path) << "[data]\n"
                         "id = \"post_id\"\n"
                         "text = \"body\"\n"
                         "group = \"author\"\n"
                         "lang = \"language\"\n"
                         "default_source = \"archive\"\n"
                         "[data.label]\n"
                         "coordinated = \"label\"\n"
                         "[data.values.coordinated]\n"
                         "state-backed = 1\n"
                         "organic = 0\n"
                         "[featurizer]\n"
                         "hash_buckets = 4096\n"
                         "[shards]\n"
                         "records_per_shard = 2\n";
  return path;
}

TEST(DataCommands, StatsCountsLabelsPerLanguageAndSource) {
  const std::string dir = scratch_dir("stats");
  const RunResult r = run_sieve("data stats --config " + write_config(dir) + " " + write_archive(dir));
  EXPECT_EQ(r.exit_code, 2);  // one row was rejected
  EXPECT_NE(r.err.find("archive.csv:6: unknown value 'unknown-value' for label 'coordinated'"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("en     archive                3                2/3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fr     archive                1                0/1"), std::string::npos) << r.out;
}

TEST(DataCommands, PrepareWritesShardsManifestAndTokenizer) {
  const std::string dir = scratch_dir("prepare");
  ASSERT_EQ(run_sieve("tokenizer train --jsonl " + kSample + " --vocab-size 800 -o " + dir + "/spm.model")
                .exit_code,
            0);
  const RunResult r = run_sieve("data prepare --config " + write_config(dir) + " -t " + dir +
                                "/spm.model -o " + dir + "/out " + write_archive(dir));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("sieve: wrote 4 records in 2 shards to " + dir + "/out (1 rows rejected)"),
            std::string::npos)
      << r.err;
  simdjson::dom::parser parser;
  const auto manifest = parser.load(dir + "/out/manifest.json");
  EXPECT_EQ(std::uint64_t(manifest["records"]), 4u);
  EXPECT_EQ(std::uint64_t(manifest["languages"]["en"]["coordinated"]["positive"]), 2u);
  EXPECT_EQ(std::uint64_t(manifest["tokenizer"]["featurizer"]["hash_buckets"]), 4096u);
  EXPECT_TRUE(std::ifstream(dir + "/out/shard-00001.bin").good());
  EXPECT_TRUE(std::ifstream(dir + "/out/tokenizer.model").good());
}

TEST(DataCommands, OverridesWinOverTheConfigFile) {
  const std::string dir = scratch_dir("override");
  const RunResult r = run_sieve("data stats --json --config " + write_config(dir) +
                                " --set data.default_source=override --on-error fail " + write_archive(dir));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "sieve: " + dir + "/archive.csv:6: unknown value 'unknown-value' for label 'coordinated'\n");
  const RunResult ok =
      run_sieve("data stats --json --config " + write_config(dir) +
                " --set data.default_source=override --set data.on_error=skip " + write_archive(dir));
  EXPECT_NE(ok.out.find("\"source\":\"override\""), std::string::npos) << ok.out;
}

TEST(DataCommands, ConfigMistakesNameTheKey) {
  const std::string dir = scratch_dir("config");
  std::ofstream(dir + "/typo.toml") << "[data]\ntxet = \"body\"\n";
  RunResult r = run_sieve("data stats --config " + dir + "/typo.toml " + kSample);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "sieve: data.txet: unknown key\n");
  std::ofstream(dir + "/broken.toml") << "[data\ntext = 1\n";
  r = run_sieve("data stats --config " + dir + "/broken.toml " + kSample);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("sieve: " + dir + "/broken.toml:1: ", 0), 0u) << r.err;
  std::ofstream(dir + "/heads.toml") << "[data.label]\nstance = \"s\"\n";
  r = run_sieve("data stats --config " + dir + "/heads.toml " + kSample);
  EXPECT_EQ(
      r.err,
      "sieve: data.label.stance: no label head 'stance' (heads: coordinated, machine, nonnative, abusive)\n");
  r = run_sieve("data stats --preset facebook " + kSample);
  EXPECT_EQ(r.err, "sieve: preset 'facebook': unknown; the presets are: twitter-io\n");
  r = run_sieve("data stats --set data.max_text_bytes=0 " + kSample);
  EXPECT_EQ(r.err, "sieve: data.max_text_bytes: must be between 1 and 67108864, got 0\n");
}

TEST(DataCommands, CustomHeadsAreDeclaredInTheConfig) {
  const std::string dir = scratch_dir("heads");
  std::ofstream(dir + "/heads.toml") << "[[heads]]\nname = \"stance\"\nclasses = [\"pro\", \"anti\"]\n";
  std::ofstream(dir + "/posts.jsonl")
      << "{\"text\":\"a\",\"stance\":\"anti\"}\n{\"text\":\"b\",\"stance\":\"pro\"}\n";
  const RunResult r = run_sieve("data stats --json --config " + dir + "/heads.toml " + dir + "/posts.jsonl");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"labels\":{\"stance\":[1,1]}"), std::string::npos) << r.out;
}

TEST(DataCommands, ASourcesLabelIsReadAsAnotherHeadFromTheConfigOrTheCommandLine) {
  const std::string dir = scratch_dir("relabel");
  std::ofstream(dir + "/heads.toml") << "[[heads]]\nname = \"machine\"\n[[heads]]\nname = \"llm\"\n";
  std::ofstream(dir + "/posts.jsonl") << "{\"text\":\"a\",\"source\":\"mt\",\"machine\":1}\n"
                                         "{\"text\":\"b\",\"source\":\"gpt\",\"machine\":1}\n"
                                         "{\"text\":\"c\",\"source\":\"gpt\",\"machine\":0}\n";
  for (const std::string how :
       {"--set data.relabel.gpt.machine=llm", "--set 'data.relabel.gpt={machine=\"llm\"}'"}) {
    const RunResult r =
        run_sieve("data stats --json --config " + dir + "/heads.toml " + how + " " + dir + "/posts.jsonl");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"source\":\"mt\",\"records\":1,\"labels\":{\"machine\":[0,1],\"llm\":[0,0]}"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("\"source\":\"gpt\",\"records\":2,\"labels\":{\"machine\":[0,0],\"llm\":[1,1]}"),
              std::string::npos)
        << r.out;
  }
}

TEST(DataCommands, SimulateIsDeterministicPerSeedAndChecksItsOptions) {
  const std::string dir = scratch_dir("simulate");
  const RunResult a = run_sieve("data simulate --n 300 --seed 7");
  const RunResult b = run_sieve("data simulate --n 300 --seed 7 -o " + dir + "/b.jsonl");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  std::ifstream file(dir + "/b.jsonl");
  EXPECT_EQ(a.out, std::string(std::istreambuf_iterator<char>(file), {}));
  EXPECT_EQ(std::count(a.out.begin(), a.out.end(), '\n'), 300);
  EXPECT_NE(run_sieve("data simulate --n 300 --seed 8").out, a.out);
  EXPECT_NE(b.err.find("sieve: wrote 300 simulated posts to " + dir + "/b.jsonl"), std::string::npos)
      << b.err;
  RunResult bad = run_sieve("data simulate --n 0");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "sieve: simulate.posts: must be at least 1, got 0\n");
  bad = run_sieve("data simulate --n 10 --campaign-share 1.5");
  EXPECT_EQ(bad.err, "sieve: simulate.campaign_share: must be between 0 and 1, got 1.5\n");
  bad = run_sieve("data simulate --n 10 -o /nonexistent/dir/x.jsonl");
  EXPECT_EQ(bad.err, "sieve: /nonexistent/dir/x.jsonl: cannot open for writing: No such file or directory\n");
}

TEST(DataCommands, DedupeFindsTheSimulatedCampaignTemplates) {
  const std::string dir = scratch_dir("dedupe");
  ASSERT_EQ(run_sieve("data simulate --n 3000 --seed 2 -o " + dir + "/sim.jsonl").exit_code, 0);
  const RunResult r = run_sieve("data dedupe " + dir + "/sim.jsonl --top 3 --out " + dir + "/clusters.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("rows                        3000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("top 3 clusters by size:"), std::string::npos) << r.out;
  std::ifstream clusters(dir + "/clusters.jsonl");
  simdjson::dom::parser parser;
  std::string line;
  std::size_t multi_account = 0;
  while (std::getline(clusters, line)) multi_account += std::uint64_t(parser.parse(line)["groups"]) >= 3;
  EXPECT_GE(multi_account, 20u) << "templates posted by several accounts";
  EXPECT_EQ(run_sieve("data dedupe --top -1 " + dir + "/sim.jsonl").err,
            "sieve: --top: must not be negative, got -1\n(run with --help for the options)\n");
}

TEST(DataCommands, SplitWritesThreeFilesAndAReportWithoutLeakage) {
  const std::string dir = scratch_dir("split");
  ASSERT_EQ(run_sieve("data simulate --n 2000 --seed 4 -o " + dir + "/sim.jsonl").exit_code, 0);
  const RunResult r =
      run_sieve("data split " + dir + "/sim.jsonl --out " + dir + "/out --dev 0.1 --test 0.2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::size_t total = 0;
  for (const char* name : {"train.jsonl", "dev.jsonl", "test.jsonl"}) {
    std::ifstream in(dir + "/out/" + name);
    total += static_cast<std::size_t>(std::count(std::istreambuf_iterator<char>(in), {}, '\n'));
  }
  EXPECT_EQ(total, 2000u);
  simdjson::dom::parser parser;
  const auto report = parser.load(dir + "/out/split_report.json");
  EXPECT_EQ(std::uint64_t(report["leakage"]["test_in_train"]["near"]), 0u) << simdjson::minify(report);
  EXPECT_NE(r.out.find("test texts with a duplicate in train: 0 exact, 0 exact or near"), std::string::npos)
      << r.out;
}

// Records per source in a JSON-lines file.
std::map<std::string, std::size_t> count_sources(const std::string& path) {
  std::map<std::string, std::size_t> out;
  std::ifstream in(path);
  simdjson::dom::parser parser;
  for (std::string line; std::getline(in, line);)
    ++out[std::string(parser.parse(line)["source"].get_string().value())];
  return out;
}

TEST(DataCommands, SplitHoldsOutASimulatedCampaignForTestOnly) {
  const std::string dir = scratch_dir("holdout");
  const RunResult sim =
      run_sieve("data simulate --n 3000 --seed 4 --campaign-as-source vote_fraud -o " + dir + "/sim.jsonl");
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  const std::size_t campaign = count_sources(dir + "/sim.jsonl")["vote_fraud"];
  ASSERT_GT(campaign, 0u);
  EXPECT_NE(
      sim.err.find("source vote_fraud: the " + std::to_string(campaign) + " posts of campaign vote_fraud"),
      std::string::npos)
      << sim.err;
  const RunResult r =
      run_sieve("data split " + dir + "/sim.jsonl --holdout-source vote_fraud --out " + dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count_sources(dir + "/out/train.jsonl").count("vote_fraud"), 0u);
  EXPECT_EQ(count_sources(dir + "/out/dev.jsonl").count("vote_fraud"), 0u);
  const auto test = count_sources(dir + "/out/test.jsonl");
  EXPECT_EQ(test.at("vote_fraud"), campaign);
  EXPECT_GT(test.size(), 1u) << "test also holds posts of the other sources";
  EXPECT_NE(
      r.out.find("held out for test           source vote_fraud: " + std::to_string(campaign) + " records"),
      std::string::npos)
      << r.out;
  simdjson::dom::parser parser;
  const auto report = parser.load(dir + "/out/split_report.json");
  EXPECT_EQ(std::uint64_t(report["held_out"]["sources"]["vote_fraud"]["records"]), campaign);
  EXPECT_EQ(std::uint64_t(report["leakage"]["test_in_train"]["near"]), 0u);

  const RunResult unknown =
      run_sieve("data split " + dir + "/sim.jsonl --holdout-source vote_frau --out " + dir + "/bad");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err,
            "sieve: split.holdout_sources: no record has source 'vote_frau'; the sources are: facebook, "
            "vote_fraud, "
            "x, youtube\n");
  const RunResult no_campaign = run_sieve("data simulate --n 10 --campaign-as-source fraud");
  EXPECT_EQ(no_campaign.exit_code, 2);
  EXPECT_EQ(no_campaign.err.rfind(
                "sieve: simulate.campaign_as_source: no campaign 'fraud'; the campaigns are: ", 0),
            0u)
      << no_campaign.err;
}

}  // namespace
}  // namespace sieve::testing
