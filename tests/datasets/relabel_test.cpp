// ColumnMapping::relabel: a source whose label column means another head (LLM text labelled `machine`,
// trained as the `llm` head).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "error_text.h"
#include "sieve/datasets/record_reader.h"

namespace sieve::datasets {
namespace {

using sieve::testing::error_text;

ReaderConfig with_llm_head() {
  ReaderConfig config;
  config.schema.heads.push_back({"llm", {}});
  config.columns.relabel["chatgpt"]["machine"] = "llm";
  return config;
}

std::vector<Record> read_all(const std::string& jsonl, const ReaderConfig& config) {
  const auto path = std::filesystem::temp_directory_path() / "sieve_relabel_test.jsonl";
  std::ofstream(path) << jsonl;
  RecordReader reader(path.string(), config, [](const std::string& where, const std::string& reason) {
    ADD_FAILURE() << where << ": " << reason;
  });
  std::vector<Record> records;
  for (Record r; reader.next(r);) records.push_back(r);
  std::filesystem::remove(path);
  return records;
}

TEST(Relabel, MovesTheLabelOfItsSourceOnlyAndOverridesTheOtherHeadsColumn) {
  const auto records =
      read_all(R"({"text":"a human translation","source":"mt","machine":0})"
               "\n"
               R"({"text":"a paraphrase by a model","source":"chatgpt","machine":1,"nonnative":0})"
               "\n"
               R"({"text":"the text it paraphrased","source":"chatgpt","machine":0,"llm":1})"
               "\n"
               R"({"text":"unlabelled","source":"chatgpt"})"
               "\n",
               with_llm_head());
  const std::int8_t unknown = kMissingLabel;
  ASSERT_EQ(records.size(), 4u);
  // Heads: coordinated, machine, nonnative, abusive, llm.
  EXPECT_EQ(records[0].labels, (std::vector<std::int8_t>{unknown, 0, unknown, unknown, unknown}));
  EXPECT_EQ(records[1].labels, (std::vector<std::int8_t>{unknown, unknown, 0, unknown, 1}));
  EXPECT_EQ(records[2].labels, (std::vector<std::int8_t>{unknown, unknown, unknown, unknown, 0}));
  EXPECT_EQ(records[3].labels, (std::vector<std::int8_t>(5, unknown)));
}

TEST(Relabel, TwoHeadsCanTradeTheirLabels) {
  ReaderConfig config = with_llm_head();
  config.columns.relabel["chatgpt"]["llm"] = "machine";
  const auto records = read_all(R"({"text":"swapped","source":"chatgpt","machine":1,"llm":0})"
                                "\n",
                                config);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].labels[1], 0);
  EXPECT_EQ(records[0].labels[4], 1);
}

TEST(Relabel, ConfigMistakesNameTheKey) {
  ReaderConfig config = with_llm_head();
  config.columns.relabel["chatgpt"]["machine"] = "gpt";
  EXPECT_EQ(error_text([&] { config.validate(); }),
            "config: data.relabel.chatgpt.machine: no label head 'gpt' (heads: coordinated, machine, "
            "nonnative, abusive, llm)");
  config.columns.relabel["chatgpt"]["machine"] = "machine";
  EXPECT_EQ(error_text([&] { config.validate(); }),
            "config: data.relabel.chatgpt.machine: 'machine' must be another head with as many values as "
            "'machine'");
  config.schema.heads.push_back({"stance", {"pro", "anti", "neutral"}});
  config.columns.relabel["chatgpt"]["machine"] = "stance";
  EXPECT_EQ(error_text([&] { config.validate(); }),
            "config: data.relabel.chatgpt.machine: 'stance' must be another head with as many values as "
            "'machine'");
  config.columns.relabel["chatgpt"] = {{"machine", "llm"}, {"nonnative", "llm"}};
  EXPECT_EQ(error_text([&] { config.validate(); }), "config: data.relabel.chatgpt: two heads relabel 'llm'");
}

TEST(Relabel, HeadsThatAModelLacksAreNamedWhenItReadsPosts) {
  ReaderConfig config = with_llm_head();
  config.schema = LabelSchema::defaults();  // as `sieve eval` does with the heads of a model without llm
  EXPECT_EQ(error_text([&] { read_all("{\"text\":\"a\"}\n", config); }),
            "config: data.relabel.chatgpt.machine: no label head 'llm' (heads: coordinated, machine, "
            "nonnative, abusive)");
}

}  // namespace
}  // namespace sieve::datasets
