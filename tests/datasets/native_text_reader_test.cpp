#include "sieve/datasets/native_text_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "compressed_bytes.h"
#include "error_text.h"

namespace sieve::datasets {
namespace {

using sieve::testing::error_text;
using sieve::testing::gzip;
using sieve::testing::zstd;

class NativeTextReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / "sieve_native_text_reader_test";
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& bytes) const {
    const std::filesystem::path path = dir_ / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
  }

  // Every text as "file:line lang text"; rejected lines as "file:line: reason" (file without folders).
  std::vector<std::string> read(const std::vector<std::string>& paths, const std::string& default_lang = "") {
    rejected_.clear();
    NativeTextReader reader(paths, default_lang, [&](const std::string& where, const std::string& reason) {
      rejected_.push_back(where.substr(where.find_last_of('/') + 1) + ": " + reason);
    });
    std::vector<std::string> texts;
    for (NativeText t; reader.next(t);) {
      texts.push_back(std::string(t.file) + ":" + std::to_string(t.line) + " " + std::string(t.lang) + " " +
                      std::string(t.text));
    }
    stats_ = reader.stats();
    return texts;
  }

  std::filesystem::path dir_;
  std::vector<std::string> rejected_;
  NativeTextStats stats_;
};

TEST_F(NativeTextReaderTest, ReadsPlainTextWithTheLanguageOfTheFileName) {
  const std::string path = write("en.notes.txt", "first line\n\n  \nsecond line\r\n");
  EXPECT_EQ(read({path}),
            (std::vector<std::string>{"en.notes.txt:1 en first line", "en.notes.txt:4 en second line"}));
  EXPECT_EQ(stats_.texts, 2u);
  EXPECT_EQ(stats_.files, 1u);
}

TEST_F(NativeTextReaderTest, ReadsJsonLinesWithTheirOwnLanguage) {
  const std::string path = write("mixed.jsonl", R"({"text":"bonjour à tous","lang":"fr"})"
                                                "\n"
                                                R"({"text":"no language here"})"
                                                "\n");
  EXPECT_EQ(read({path}, "en"), (std::vector<std::string>{"mixed.jsonl:1 fr bonjour à tous",
                                                          "mixed.jsonl:2 en no language here"}));
  const std::string named = write("zh.posts.jsonl", R"({"text":"你好世界"})"
                                                    "\n");
  EXPECT_EQ(read({named}, "en"), (std::vector<std::string>{"zh.posts.jsonl:1 zh 你好世界"}));
}

TEST_F(NativeTextReaderTest, DecompressesGzipAndZstd) {
  const std::string a = write("fr.a.txt.zst", zstd("un texte compressé\n"));
  const std::string b = write("en.b.jsonl.gz", gzip(R"({"text":"gzipped json"})"
                                                    "\n"));
  EXPECT_EQ(read({a, b}), (std::vector<std::string>{"fr.a.txt.zst:1 fr un texte compressé",
                                                    "en.b.jsonl.gz:1 en gzipped json"}));
}

TEST_F(NativeTextReaderTest, ReadsAFolderRecursivelySortedSkippingOtherFiles) {
  write("corpus/SOURCES.md", "# not text\n");
  write("corpus/zh.z.txt", "中文文本\n");
  write("corpus/en.a.txt", "alpha\n");
  write("corpus/sub/fr.b.txt.zst", zstd("bêta\n"));
  EXPECT_EQ(
      read({(dir_ / "corpus").string()}),
      (std::vector<std::string>{"en.a.txt:1 en alpha", "fr.b.txt.zst:1 fr bêta", "zh.z.txt:1 zh 中文文本"}));
  EXPECT_EQ(stats_.files, 3u);
}

TEST_F(NativeTextReaderTest, UsesTheDefaultLanguageOrRefusesTheFile) {
  const std::string path = write("notes.txt", "some text\n");
  EXPECT_EQ(read({path}, "fr"), (std::vector<std::string>{"notes.txt:1 fr some text"}));
  EXPECT_EQ(
      error_text([&] { read({path}); }),
      "invalid input: " + path +
          ": the language of its texts is unknown: name the file en.*, fr.* or zh.*, or give --native-lang");
  const std::string json = write("notes.jsonl", R"({"text":"some text"})"
                                                "\n");
  EXPECT_TRUE(read({json}).empty());
  EXPECT_EQ(rejected_,
            (std::vector<std::string>{
                "notes.jsonl:1: the language of the text is unknown: give it a 'lang', name the file "
                "en.*, fr.* or zh.*, or give --native-lang"}));
}

TEST_F(NativeTextReaderTest, CountsAndSkipsBadLines) {
  const std::string text = write("en.bad.txt", "good one\nbad \xff byte\ngood two\n");
  EXPECT_EQ(read({text}), (std::vector<std::string>{"en.bad.txt:1 en good one", "en.bad.txt:3 en good two"}));
  EXPECT_EQ(rejected_, (std::vector<std::string>{"en.bad.txt:2: invalid UTF-8 (1 bytes)"}));
  const std::string json = write("en.bad.jsonl", "{\"text\":\"ok\"}\n{\"text\":\n{\"txt\":\"x\"}\n");
  EXPECT_EQ(read({json}), (std::vector<std::string>{"en.bad.jsonl:1 en ok"}));
  ASSERT_EQ(rejected_.size(), 2u);
  EXPECT_EQ(rejected_[0].rfind("en.bad.jsonl:2: malformed JSON", 0), 0u) << rejected_[0];
  EXPECT_EQ(rejected_[1], "en.bad.jsonl:3: no string field 'text'");
  EXPECT_EQ(stats_.rejected, 2u);
}

TEST_F(NativeTextReaderTest, RefusesAPathThatDoesNotExist) {
  const std::string path = (dir_ / "missing").string();
  EXPECT_EQ(error_text([&] { read({path}); }), "i/o: " + path + ": no such file or folder");
}

}  // namespace
}  // namespace sieve::datasets
