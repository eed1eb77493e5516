#include "sieve/datasets/record_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "compressed_bytes.h"
#include "corpus.h"
#include "error_text.h"

namespace sieve::datasets {
namespace {

using sieve::testing::error_text;
using sieve::testing::gzip;
using sieve::testing::zstd;

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
  EXPECT_EQ(rejected_,
            std::vector<std::string>{
                path + ":3: unclosed quote: the field opened by the quote on this line runs to the "
                       "end of the file"});
}

// A quote left open takes every following line into its field, up to a quote that closes it (or the end):
// the report names the line of that quote, says how many lines went, and the count has every one of them.
TEST_F(RecordReaderTest, AnOpenQuoteIsReportedWhereItOpensWithTheLinesItSwallowed) {
  const std::string path = write("open.csv",
                                 "id,text,group\n"
                                 "1,first,u1\n"
                                 "2,\"opens here,u2\n"
                                 "3,swallowed,u3\n"
                                 "4,\"also swallowed\",u4\n"
                                 "5,after,u5\n");
  const auto records = read(path);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].text, "after");
  EXPECT_EQ(rejected_,
            std::vector<std::string>{path + ":3: unclosed quote? the field opened by the quote on this line "
                                            "only closes on line 5, where another character follows the "
                                            "closing quote; it swallowed 3 lines (3 to 5)"});
  EXPECT_EQ(stats_.rows, 5u);
  EXPECT_EQ(stats_.rejected, 3u);

  // A record that starts with a good multi-line field and then opens a quote that never closes: the quote's
  // line is named, and the whole record counts, its first line too.
  const std::string late = write("late.csv",
                                 "id,text,group\n"
                                 "1,\"two\nlines\",\"open\n"
                                 "2,x,u2\n"
                                 "3,y,u3\n");
  EXPECT_TRUE(read(late).empty());
  EXPECT_EQ(rejected_,
            std::vector<std::string>{late + ":3: unclosed quote: the field opened by the quote on this line "
                                            "runs to the end of the file; it swallowed 3 lines (3 to 5)"});
  EXPECT_EQ(stats_.rows, 4u);
  EXPECT_EQ(stats_.rejected, 4u);
}

// The CSV reader always dropped a UTF-8 byte order mark; JSON lines and TSV read the same text, compressed
// or not.
TEST_F(RecordReaderTest, AByteOrderMarkStartsNoRowInAnyFormat) {
  const std::string bom = "\xEF\xBB\xBF";
  const std::string jsonl = "{\"text\":\"first\"}\n{\"text\":\"second\"}\n";
  for (const auto& [name, bytes] :
       {std::pair{std::string("bom.jsonl"), bom + jsonl},
        std::pair{std::string("bom.jsonl.gz"), gzip(bom + jsonl)},
        std::pair{std::string("bom.jsonl.zst"), zstd(bom + jsonl)},
        std::pair{std::string("bom.tsv"), bom + "text\tlang\nfirst\ten\nsecond\tfr\n"},
        std::pair{std::string("bom.csv"), bom + "text,lang\nfirst,en\nsecond,fr\n"}}) {
    const auto records = read(write(name, bytes));
    EXPECT_TRUE(rejected_.empty()) << name << ": " << rejected_.front();
    ASSERT_EQ(records.size(), 2u) << name;
    EXPECT_EQ(records[0].text, "first") << name;
  }
  // Only at the start: elsewhere it is text, and a lone one is an empty file.
  const auto inside = read(write("inside.jsonl", "{\"text\":\"a\"}\n" + bom + "{\"text\":\"b\"}\n"));
  EXPECT_EQ(inside.size(), 1u);
  EXPECT_EQ(rejected_.size(), 1u);
  EXPECT_TRUE(read(write("only.jsonl", bom)).empty());
  EXPECT_TRUE(rejected_.empty());
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
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].id, "111");
  EXPECT_EQ(records[0].group, "u9");
  EXPECT_EQ(records[0].source, "twitter-io");
  EXPECT_EQ(records[0].time, 1566311460);
  EXPECT_EQ(records[1].time, 1566311525);
  EXPECT_EQ(records[1].lang, "zh");
  EXPECT_EQ(records[0].labels[0], 1);  // every row of a takedown archive is coordinated
  EXPECT_EQ(records[2].time, 0);       // unknown: a time that cannot be read rejects nothing here
  EXPECT_EQ(records[2].unreadable_time, "yesterday");
  EXPECT_TRUE(rejected_.empty());
  EXPECT_EQ(error_text([] { ReaderConfig::preset("facebook"); }),
            "config: preset 'facebook': unknown; the presets are: twitter-io");
}

// Most commands never use time (score, eval, prepare): a time they cannot read must not cost them the row.
// A caller that uses time asks for the report, with the row's place; the row still comes, untimed, so that
// each pass over a file sees the same rows.
TEST_F(RecordReaderTest, AnUnreadableTimeIsReportedOnlyWhereTimeIsUsed) {
  const std::string path = write("times.jsonl",
                                 "{\"text\":\"a\",\"time\":1700000000}\n"
                                 "{\"text\":\"b\",\"time\":\"yesterday\"}\n"
                                 "{\"text\":\"c\",\"time\":\"2024-02-30 25:00\"}\n");
  ReaderConfig fail;
  fail.on_error = OnError::kFail;
  const auto records = read(path, fail);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_TRUE(rejected_.empty());
  EXPECT_EQ(records[0].time, 1700000000);
  EXPECT_EQ(records[1].time, 0);
  EXPECT_EQ(records[1].unreadable_time, "yesterday");
  EXPECT_EQ(stats_.untimed, 2u);
  EXPECT_EQ(stats_.rejected, 0u);

  std::vector<std::string> reported;
  RecordReader timed(path, ReaderConfig{}, [&](const std::string& where, const std::string& reason) {
    reported.push_back(where + ": " + reason);
  });
  timed.report_unreadable_times();
  std::size_t read_back = 0;
  for (Record r; timed.next(r);) ++read_back;
  EXPECT_EQ(read_back, 3u);
  EXPECT_EQ(reported, (std::vector<std::string>{
                          path + ":2: unreadable time 'yesterday': the post is read without a time",
                          path + ":3: unreadable time '2024-02-30 25:00': the post is read without a time"}));
  EXPECT_EQ(timed.stats().rejected, 0u);

  RecordReader strict(path, fail);
  strict.report_unreadable_times();
  Record record;
  EXPECT_TRUE(strict.next(record));
  EXPECT_EQ(error_text([&] { strict.next(record); }),
            "invalid input: " + path + ":2: unreadable time 'yesterday': the post is read without a time");

  // Written back as it was read, so that a later command that uses time still sees it.
  std::string line;
  append_jsonl(records[1], LabelSchema::defaults(), line);
  EXPECT_NE(line.find("\"time\":\"yesterday\""), std::string::npos) << line;
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

// Rows 0..n-1 as JSON lines.
std::string numbered_rows(int n) {
  std::string jsonl;
  for (int i = 0; i < n; ++i) jsonl += "{\"text\":\"post " + std::to_string(i) + " with some words\"}\n";
  return jsonl;
}

// A gzip stream of first, flushed so that everything before the cut decodes, then the start of second.
std::string gzip_cut_after(const std::string& first, const std::string& second) {
  std::string out(compressBound(first.size() + second.size()) + 64, '\0');
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(first.data()));
  z.avail_in = static_cast<uInt>(first.size());
  deflate(&z, Z_FULL_FLUSH);
  const std::size_t cut = z.total_out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(second.data()));
  z.avail_in = static_cast<uInt>(second.size());
  deflate(&z, Z_FINISH);
  deflateEnd(&z);
  return out.substr(0, cut);
}

// The same for zstd: a flushed block ends where the cut is.
std::string zstd_cut_after(const std::string& first) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  std::string out(ZSTD_compressBound(first.size()) + 64, '\0');
  ZSTD_inBuffer in{first.data(), first.size(), 0};
  ZSTD_outBuffer to{out.data(), out.size(), 0};
  while (ZSTD_compressStream2(cctx, &to, &in, ZSTD_e_flush) != 0) {
  }
  ZSTD_freeCCtx(cctx);
  return out.substr(0, to.pos);
}

// Every complete row before the cut is delivered, in order; then the rest of the file is one bad row,
// reported where the stream stopped, so that `sieve score` scores the good rows and exits with 2.
TEST_F(RecordReaderTest, ATruncatedCompressedFileGivesEveryRowBeforeTheCutThenSaysSo) {
  const std::string before = numbered_rows(300);
  std::string csv_before = "text\n";
  for (int i = 0; i < 300; ++i) csv_before += "post " + std::to_string(i) + " with some words\n";
  for (const auto& [name, bytes] :
       {std::pair{std::string("cut.jsonl.gz"), gzip_cut_after(before, "more\n")},
        std::pair{std::string("cut.jsonl.zst"), zstd_cut_after(before)},
        std::pair{std::string("cut.csv.gz"), gzip_cut_after(csv_before, "more\n")}}) {
    const std::string path = write(name, bytes);
    const auto records = read(path);
    ASSERT_EQ(records.size(), 300u) << name;
    EXPECT_EQ(records.back().text, "post 299 with some words") << name;
    const std::string codec = name.substr(name.rfind('.') + 1) == "gz" ? "gzip" : "zstd";
    const std::string line = name.find(".csv") != std::string::npos ? "302" : "301";
    EXPECT_EQ(rejected_, std::vector<std::string>{path + ":" + line + ": the " + codec +
                                                  " stream is truncated: the file ends inside its compressed "
                                                  "data; the rows before this line were read"})
        << name;
    EXPECT_EQ(stats_.accepted, 300u);
    EXPECT_EQ(stats_.rejected, 1u);
  }
  // Cut anywhere, in the middle of a row too: the rows read are the first ones, whole.
  const std::string jsonl = numbered_rows(20000);
  for (const auto& [name, bytes] : {std::pair{std::string("half.jsonl.gz"), gzip(jsonl)},
                                    std::pair{std::string("half.jsonl.zst"), zstd(jsonl)}}) {
    const auto records = read(write(name, bytes.substr(0, bytes.size() / 2)));
    ASSERT_GT(records.size(), 1000u) << name;
    EXPECT_EQ(records.back().text, "post " + std::to_string(records.size() - 1) + " with some words");
    EXPECT_EQ(rejected_.size(), 1u) << name;
  }
  std::string header_then_garbage = "\x1F\x8B\x08";
  header_then_garbage += '\0';
  header_then_garbage += "garbage garbage garbage";
  const std::string garbage = write("garbage.jsonl.gz", header_then_garbage);
  EXPECT_TRUE(read(garbage).empty());
  ASSERT_EQ(rejected_.size(), 1u);
  EXPECT_EQ(rejected_[0].rfind(garbage + ":1: corrupt gzip data (", 0), 0u) << rejected_[0];
  ReaderConfig fail;
  fail.on_error = OnError::kFail;
  EXPECT_EQ(
      error_text([&] { read(garbage, fail); }).rfind("invalid input: " + garbage + ":1: corrupt gzip", 0),
      0u);
}

// Read as text, a .gz file that is not gzip would be rows of garbage, or rows that someone decompressed in
// place and forgot to rename: either way, the name and the bytes disagree.
// The open descriptors of this process: a refused file must not keep one (a reader of many untrusted files
// would run out).
std::size_t open_descriptors() {
  const std::filesystem::directory_iterator entries("/proc/self/fd");
  return static_cast<std::size_t>(std::distance(begin(entries), end(entries)));
}

TEST_F(RecordReaderTest, AFileNamedGzOrZstThatIsNotIsRefused) {
  const std::string plain = numbered_rows(3);
  const std::size_t descriptors = open_descriptors();
  const std::string gz = write("posts.jsonl.gz", plain);
  EXPECT_EQ(error_text([&] { read(gz); }),
            "format: " + gz +
                ": not a gzip file: it does not start with gzip's magic bytes 1f 8b (the name ends "
                "in .gz)");
  const std::string zst = write("posts.csv.zst", zstd("text\na\n").substr(1));
  EXPECT_EQ(error_text([&] { read(zst); }),
            "format: " + zst +
                ": not a zstd file: it does not start with zstd's magic bytes 28 b5 2f fd (the "
                "name ends in .zst)");
  const std::string empty = write("empty.jsonl.gz", "");
  EXPECT_NE(error_text([&] { read(empty); }).find("not a gzip file"), std::string::npos);
  EXPECT_EQ(open_descriptors(), descriptors);
  // The other way round is fine: the bytes say what they are.
  EXPECT_EQ(read(write("zstd-inside.jsonl", zstd(plain))).size(), 3u);
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
