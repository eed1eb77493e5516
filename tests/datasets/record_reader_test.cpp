#include "sieve/datasets/record_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "corpus.h"
#include "error_text.h"

namespace sieve::datasets {
namespace {

using sieve::testing::error_text;

class RecordReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / "sieve_record_reader_test";
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  // Reads every record, collecting the rejected rows as "where: reason".
  std::vector<Record> read(const std::string& path, const ReaderConfig& config = {}) {
    rejected_.clear();
    RecordReader reader(path, config, [&](const std::string& where, const std::string& reason) {
      rejected_.push_back(where + ": " + reason);
    });
    std::vector<Record> records;
    for (Record r; reader.next(r);) records.push_back(r);
    stats_ = reader.stats();
    return records;
  }

  std::filesystem::path dir_;
  std::vector<std::string> rejected_;
  ReadStats stats_;
};

TEST_F(RecordReaderTest, ReadsJsonlFieldsAndLabels) {
  const std::string path = write(
      "posts.jsonl",
      R"({"id":"a","text":"Le ministre a menti","lang":"FR","group":"u1","source":"x","coordinated":1,"abusive":0})"
      "\n"
      R"({"id":7,"text":"plain post","machine":true,"nonnative":null})"
      "\n");
  const auto records = read(path);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].id, "a");
  EXPECT_EQ(records[0].lang, "fr");
  EXPECT_EQ(records[0].group, "u1");
  EXPECT_EQ(records[0].source, "x");
  EXPECT_EQ(records[0].labels, (std::vector<std::int8_t>{1, kMissingLabel, kMissingLabel, 0}));
  EXPECT_EQ(records[1].id, "7");
  EXPECT_EQ(records[1].group, "7");       // no group: the post is its own group
  EXPECT_EQ(records[1].source, "posts");  // no source: the file's name
  EXPECT_EQ(records[1].lang, "en");       // no lang: guessed
  EXPECT_EQ(records[1].labels, (std::vector<std::int8_t>{kMissingLabel, 1, kMissingLabel, kMissingLabel}));
  EXPECT_TRUE(rejected_.empty());
}

TEST_F(RecordReaderTest, ReportsEveryBadJsonlRowAndKeepsTheGoodOnes) {
  ReaderConfig config;
  config.max_text_bytes = 20;
  const std::string path = write("bad.jsonl",
                                 "{\"text\":\"good one\"}\n"
                                 "{\"text\":\"broken\"\n"
                                 "[1,2]\n"
                                 "{\"txt\":\"no text\"}\n"
                                 "{\"text\":\"bad \xFF utf8\"}\n"
                                 "{\"text\":\"this post is far too long for the limit\"}\n"
                                 "{\"text\":\"x\",\"coordinated\":\"maybe\"}\n"
                                 "\n"
                                 "{\"text\":\"good two\"}");  // no final newline
  const auto records = read(path, config);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].text, "good two");
  EXPECT_EQ(records[1].id, path + ":9");
  const std::vector<std::string> expected = {
      path +
          ":2: malformed JSON: The JSON document has an improper structure: missing or superfluous commas, "
          "braces, missing keys, etc.",
      path + ":3: not a JSON object",
      path + ":4: missing text ('text')",
      path + ":5: invalid UTF-8 (1 bytes)",
      path + ":6: text of 39 bytes is longer than the limit of 20",
      path + ":7: unknown value 'maybe' for label 'coordinated'",
  };
  EXPECT_EQ(rejected_, expected);
  EXPECT_EQ(stats_.rows, 8u);
  EXPECT_EQ(stats_.accepted, 2u);
  EXPECT_EQ(stats_.rejected, 6u);
}

TEST_F(RecordReaderTest, FailPolicyStopsAtTheFirstBadRowWithItsLocation) {
  ReaderConfig config;
  config.on_error = OnError::kFail;
  const std::string path = write("fail.jsonl", "{\"text\":\"ok\"}\n{\"txt\":3}\n{\"text\":\"never read\"}\n");
  RecordReader reader(path, config);
  Record record;
  EXPECT_TRUE(reader.next(record));
  EXPECT_EQ(error_text([&] { reader.next(record); }), "invalid input: " + path + ":2: missing text ('text')");
}

TEST_F(RecordReaderTest, ParsesRfc4180CsvWithQuotesNewlinesBomAndCrlf) {
  const std::string path = write("posts.csv",
                                 "\xEF\xBB\xBFid,text,group,coordinated\r\n"
                                 "1,\"Hello, world\",u1,1\r\n"
                                 "2,\"She said \"\"stop\"\"\nthen left\",u2,0\r\n"
                                 "\r\n"
                                 "3,plain,u3,\r\n"
                                 "4,\"broken\"x,u4,1\n"
                                 "5,too,many,fields,here\n"
                                 "6,last,u6,1");
  const auto records = read(path);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].text, "Hello, world");
  EXPECT_EQ(records[1].text, "She said \"stop\"\nthen left");
  EXPECT_EQ(records[2].text, "plain");
  EXPECT_EQ(records[2].labels[0], kMissingLabel);
  EXPECT_EQ(records[3].id, "6");
  // Line numbers count the newline inside the quoted field of row 2.
  EXPECT_EQ(rejected_, (std::vector<std::string>{path + ":7: unexpected character after a closing quote",
                                                 path + ":8: expected 4 fields, got 5"}));
}

TEST_F(RecordReaderTest, ReadsTsvAndReportsAnUnclosedQuote) {
  const std::string path = write("posts.tsv", "text\tlang\nbonjour\tfr\n\"never closed\tzh\n");
  const auto records = read(path);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].lang, "fr");
  EXPECT_EQ(rejected_, std::vector<std::string>{path + ":3: unclosed quote at the end of the file"});
}

TEST_F(RecordReaderTest, CsvWithoutTheTextColumnIsAFormatError) {
  const std::string path = write("nope.csv", "id,body\n1,hi\n");
  EXPECT_EQ(error_text([&] { read(path); }),
            "format: " + path + ":1: no text column 'text' in the header (id, body)");
  const std::string empty = write("empty.csv", "");
  EXPECT_EQ(error_text([&] { read(empty); }), "format: " + empty + ": empty file: no header row");
}

TEST_F(RecordReaderTest, MapsColumnsAndLabelValues) {
  ReaderConfig config;
  config.columns.text = "body";
  config.columns.group = "author";
  config.columns.labels["coordinated"] = "is_io";
  config.columns.values["coordinated"] = {{"1.0", 1}, {"0.0", 0}, {"state-backed", 1}};
  const std::string path = write("mapped.csv",
                                 "body,author,is_io,abusive\n"
                                 "a,x,1.0,true\n"
                                 "b,y,state-backed,False\n"
                                 "c,z,1,0\n");
  const auto records = read(path, config);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].group, "x");
  EXPECT_EQ(records[0].labels, (std::vector<std::int8_t>{1, kMissingLabel, kMissingLabel, 1}));
  EXPECT_EQ(records[1].labels, (std::vector<std::int8_t>{1, kMissingLabel, kMissingLabel, 0}));
  // With a value map, only its values are accepted.
  EXPECT_EQ(rejected_, std::vector<std::string>{path + ":4: unknown value '1' for label 'coordinated'"});
}

TEST_F(RecordReaderTest, TwitterArchivePresetReadsTakedownCsv) {
  const std::string path =
      write("takedown.csv",
            "tweetid,userid,user_display_name,tweet_language,tweet_text,tweet_time\n"
            "111,u9,Maple Truth,en,\"Minister Martin hid the report!\",2019-08-20 14:31\n"
            "112,u9,Maple Truth,zh,部长隐瞒报告,2019-08-20T14:32:05Z\n"
            "113,u9,Maple Truth,en,bad time,yesterday\n");
  const auto records = read(path, ReaderConfig::preset("twitter-io"));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].id, "111");
  EXPECT_EQ(records[0].group, "u9");
  EXPECT_EQ(records[0].source, "twitter-io");
  EXPECT_EQ(records[0].time, 1566311460);
  EXPECT_EQ(records[1].time, 1566311525);
  EXPECT_EQ(records[1].lang, "zh");
  EXPECT_EQ(records[0].labels[0], 1);  // every row of a takedown archive is coordinated
  EXPECT_EQ(rejected_, std::vector<std::string>{path + ":4: unreadable time 'yesterday'"});
  EXPECT_EQ(error_text([] { ReaderConfig::preset("facebook"); }),
            "config: preset 'facebook': unknown; the presets are: twitter-io");
}

std::string gzip(const std::string& bytes) {
  std::string out(compressBound(bytes.size()) + 64, '\0');
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string zstd(const std::string& bytes) {
  std::string out(ZSTD_compressBound(bytes.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), 3));
  return out;
}

TEST_F(RecordReaderTest, DecompressesGzipAndZstdTransparently) {
  std::string jsonl;
  for (int i = 0; i < 5000; ++i)
    jsonl += "{\"id\":" + std::to_string(i) + ",\"text\":\"post number " + std::to_string(i) + "\"}\n";
  for (const auto& [name, bytes] : {std::pair{std::string("posts.jsonl.gz"), gzip(jsonl)},
                                    std::pair{std::string("posts.jsonl.zst"), zstd(jsonl)},
                                    std::pair{std::string("misnamed.jsonl"), gzip(jsonl)}}) {
    const auto records = read(write(name, bytes));
    ASSERT_EQ(records.size(), 5000u) << name;
    EXPECT_EQ(records.back().text, "post number 4999") << name;
  }
}

TEST_F(RecordReaderTest, TruncatedCompressedFilesAreFormatErrorsAfterTheGoodRows) {
  std::string jsonl;
  for (int i = 0; i < 20000; ++i) jsonl += "{\"text\":\"post " + std::to_string(i) + " with some words\"}\n";
  for (const auto& [name, bytes] : {std::pair{std::string("cut.jsonl.gz"), gzip(jsonl)},
                                    std::pair{std::string("cut.jsonl.zst"), zstd(jsonl)}}) {
    const std::string path = write(name, bytes.substr(0, bytes.size() / 2));
    RecordReader reader(path, ReaderConfig{}, [](const std::string&, const std::string&) {});
    std::size_t good = 0;
    Record record;
    const std::string error = error_text([&] {
      while (reader.next(record)) ++good;
    });
    EXPECT_EQ(error, "format: " + path + ": truncated compressed stream") << name;
    EXPECT_GT(good, 1000u) << name;
  }
  std::string header_then_garbage = "\x1F\x8B\x08";
  header_then_garbage += '\0';
  header_then_garbage += "garbage garbage garbage";
  const std::string garbage = write("garbage.jsonl.gz", header_then_garbage);
  EXPECT_EQ(error_text([&] { read(garbage); }).rfind("format: " + garbage + ": corrupt gzip data", 0), 0u);
}

TEST_F(RecordReaderTest, NamesTheFormatItCannotGuessAndTheFileItCannotOpen) {
  const std::string path = write("posts.xml", "<x/>");
  EXPECT_EQ(error_text([&] { read(path); }),
            "config: " + path + ": cannot tell the format from the name: give it (jsonl, csv or tsv)");
  EXPECT_EQ(error_text([&] { read((dir_ / "missing.jsonl").string()); }),
            "i/o: " + (dir_ / "missing.jsonl").string() + ": cannot open: No such file or directory");
}

TEST_F(RecordReaderTest, WrittenRecordsReadBackTheSame) {
  Record record{
      "id-1", "text with \"quotes\"\nand a newline", "fr", "g", "s", 1700000000, {1, 0, kMissingLabel, 1}};
  std::string line;
  append_jsonl(record, LabelSchema::defaults(), line);
  const auto records = read(write("round.jsonl", line + "\n"));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].id, record.id);
  EXPECT_EQ(records[0].text, record.text);
  EXPECT_EQ(records[0].time, record.time);
  EXPECT_EQ(records[0].labels, record.labels);
}

TEST_F(RecordReaderTest, ReadsEveryCorpusRowWithItsLabels) {
  for (const std::string file : {"train.jsonl", "dev.jsonl", "test.jsonl"}) {
    if (const auto missing = sieve::testing::corpus_missing_message(file); !missing.empty())
      GTEST_SKIP() << missing;
    const auto records = read(sieve::testing::corpus_dir() + "/" + file);
    EXPECT_EQ(records.size(), sieve::testing::count_corpus_lines(file)) << file;
    EXPECT_TRUE(rejected_.empty()) << rejected_.front();
    // The corpus gives every row one to three of the four labels, never all four and never none.
    for (const Record& r : records) {
      const auto known =
          std::count_if(r.labels.begin(), r.labels.end(), [](auto v) { return v != kMissingLabel; });
      ASSERT_TRUE(known >= 1 && known <= 3) << r.id;
      ASSERT_TRUE(r.lang == "en" || r.lang == "fr" || r.lang == "zh") << r.id;
      ASSERT_FALSE(r.group.empty());
    }
  }
}

TEST(LabelSchema, RoundTripsThroughJsonAndRejectsDuplicates) {
  LabelSchema schema = LabelSchema::defaults();
  schema.heads.push_back({"stance", {"pro", "anti", "neutral"}});
  EXPECT_TRUE(LabelSchema::from_json(schema.to_json()) == schema);
  schema.heads.push_back({"machine", {}});
  EXPECT_EQ(error_text([&] { schema.validate(); }), "config: label heads: head 'machine' is declared twice");
}

}  // namespace
}  // namespace sieve::datasets
