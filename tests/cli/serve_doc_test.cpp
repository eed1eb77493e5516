// docs/serving.md runs as written: every shell example is taken from the page and run, `sieve serve` as a
// child process on models the test writes (small, random weights: a quick test), the curl commands
// against it with only the port and the token file replaced. An example the test does not know how to run
// fails it, so a new example comes with its check.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "run_sieve.h"
#include "runtime_model_files.h"
#include "serve_process.h"

namespace sieve::testing {
namespace {

constexpr const char* kToken = "0123456789abcdef-doc-token";

// The commands of every ```sh block of the page: a command is a line that starts a line, with the lines
// that follow it indented (a continuation or the rest of a quoted string).
std::vector<std::string> shell_examples(const std::string& page) {
  std::vector<std::string> commands;
  std::istringstream lines(page);
  bool in_block = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("```", 0) == 0) {
      in_block = !in_block && line == "```sh";
      continue;
    }
    if (!in_block || line.empty()) continue;
    if (line[0] == ' ' && !commands.empty()) {
      commands.back() += "\n" + line;
    } else {
      commands.push_back(line);
    }
  }
  return commands;
}

// Every occurrence of from in text replaced by to.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The standard output of a shell command run in dir.
std::string run_shell(const std::string& command, const std::string& dir) {
  const std::string out = dir + "/shell.out";
  const std::string script = "cd '" + dir + "' && ( " + command + "\n) > '" + out + "'";
  EXPECT_EQ(std::system(script.c_str()), 0) << command;
  return file_text(out);
}

class ServeDoc : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = scratch_dir("serve_doc");
    for (const char* run : {"bag", "bag-v2"}) std::filesystem::create_directories(dir_ + "/runs/" + run);
    // Two models that differ, at the paths the page names (relative to the server's folder).
    infer::testing::write(infer::testing::bag_parts(), dir_ + "/runs/bag/model.sieve");
    infer::testing::write(infer::testing::bag_parts(4), dir_ + "/runs/bag-v2/model.sieve");
    std::ofstream(dir_ + "/token") << kToken << "\n";
  }

  // What the page says, with the machine's token file in place of /etc/sieve/token.
  std::string local(const std::string& command) const {
    std::string text = replaced(command, "/etc/sieve/token", dir_ + "/token");
    if (!server_) return text;
    const std::string port = std::to_string(server_->port());
    return replaced(replaced(text, "localhost:8080", "localhost:" + port), "127.0.0.1:8080",
                    "127.0.0.1:" + port);
  }

  std::string dir_;
  std::unique_ptr<ServeProcess> server_;
};

void expect_scores(const std::string& out) {
  simdjson::dom::parser parser;
  simdjson::dom::element answer;
  ASSERT_FALSE(parser.parse(out).get(answer)) << out;
  const simdjson::dom::array posts = answer["posts"];
  ASSERT_EQ(posts.size(), 2u) << out;
  EXPECT_EQ(std::string_view(posts.at(0)["id"]), "a");
  EXPECT_EQ(int64_t(posts.at(1)["id"]), 2);
  EXPECT_EQ(std::string_view(posts.at(1)["lang"]), "zh");
  for (const simdjson::dom::element post : posts) {
    for (const char* key : {"scores", "decisions", "model_version"}) EXPECT_FALSE(post[key].error()) << key;
  }
}

// The Open Inference Protocol example: the two outputs it asks for, one value per post each.
void expect_infer(const std::string& out) {
  simdjson::dom::parser parser;
  simdjson::dom::element answer;
  ASSERT_FALSE(parser.parse(out).get(answer)) << out;
  EXPECT_EQ(std::string_view(answer["id"]), "r1") << out;
  const simdjson::dom::array outputs = answer["outputs"];
  ASSERT_EQ(outputs.size(), 2u) << out;
  EXPECT_EQ(std::string_view(outputs.at(0)["name"]), "coordinated");
  EXPECT_EQ(std::string_view(outputs.at(1)["datatype"]), "BOOL");
  for (const simdjson::dom::element output : outputs) EXPECT_EQ(output["data"].get_array().size(), 2u) << out;
}

void expect_reload(const std::string& out, const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element answer;
  ASSERT_FALSE(parser.parse(out).get(answer)) << out;
  EXPECT_TRUE(bool(answer["reloaded"])) << out;
  if (path.empty()) return;
  EXPECT_EQ(std::string_view(answer["path"]), path) << out;
}

TEST_F(ServeDoc, EveryShellExampleRunsAsWritten) {
  const std::string page = file_text(std::string(SIEVE_SOURCE_DIR) + "/docs/serving.md");
  const std::vector<std::string> commands = shell_examples(page);
  ASSERT_GE(commands.size(), 5u) << "no examples found in docs/serving.md";
  int served = 0, scored = 0, reloaded = 0;
  for (const std::string& command : commands) {
    SCOPED_TRACE(command);
    if (command.rfind("sieve serve ", 0) == 0) {
      // The page's port is taken; ServeProcess asks for a free one and reads it from the output.
      const std::string args = replaced(local(command).substr(12), "--port 8080", "");
      server_ = std::make_unique<ServeProcess>(args, dir_);
      ASSERT_TRUE(server_->ok()) << server_->error();
      ++served;
    } else if (command.rfind("curl ", 0) == 0 && command.find("/v1/score") != std::string::npos) {
      ASSERT_TRUE(server_) << "a curl example before the page starts a server";
      expect_scores(run_shell(local(command), dir_));
      ++scored;
    } else if (command.rfind("curl ", 0) == 0 &&
               command.find("/v2/models/sieve/infer") != std::string::npos) {
      ASSERT_TRUE(server_) << "a curl example before the page starts a server";
      expect_infer(run_shell(local(command), dir_));
      ++scored;
    } else if (command.rfind("python3 examples/oip_client.py", 0) == 0) {
      // Debian's interpreter, and the script where the repository has it.
      ASSERT_TRUE(server_) << "a client example before the page starts a server";
      const std::string script = std::string(SIEVE_SOURCE_DIR) + "/examples/oip_client.py";
      const std::string out =
          run_shell("/usr/bin/" + replaced(local(command), "examples/oip_client.py", script), dir_);
      EXPECT_NE(out.find("model sieve version"), std::string::npos) << out;
      EXPECT_NE(out.find("second post"), std::string::npos) << out;
      ++scored;
    } else if (command.rfind("curl ", 0) == 0 && command.find("/admin/reload") != std::string::npos) {
      ASSERT_TRUE(server_) << "a curl example before the page starts a server";
      const std::size_t path = command.find(R"("path":")");
      expect_reload(
          run_shell(local(command), dir_),
          path == std::string::npos ? "" : command.substr(path + 8, command.find('"', path + 8) - path - 8));
      ++reloaded;
    } else if (command.rfind("cmake --build build --target ", 0) == 0) {
      // The benchmark's build: its targets exist (building them is the bench's business).
      const std::string targets = file_text(std::string(SIEVE_SOURCE_DIR) + "/bench/CMakeLists.txt") +
                                  file_text(std::string(SIEVE_SOURCE_DIR) + "/cli/CMakeLists.txt");
      std::istringstream names(command.substr(29));
      for (std::string name; names >> name && name[0] != '#';) {
        EXPECT_NE(targets.find("(" + name + " "), std::string::npos) << name;
      }
    } else if (command.find(" bench/serve_load") != std::string::npos) {
      // The benchmark itself (minutes on a corpus-trained model): the script is there, with the variables
      // the page names.
      const std::string script = file_text(std::string(SIEVE_SOURCE_DIR) + "/bench/serve_load");
      for (const char* variable :
           {"SIEVE_BENCH_MODEL", "RUNS", "DURATION", "CONNECTIONS", "POSTS", "SERVE_OPTIONS"})
        EXPECT_NE(script.find(std::string(variable) + ":-"), std::string::npos) << variable;
    } else {
      ADD_FAILURE() << "an example this test does not run: add its check";
    }
  }
  EXPECT_EQ(served, 1);
  EXPECT_EQ(scored, 3);  // /v1/score, the protocol's infer and its Python client
  EXPECT_EQ(reloaded, 2);
  // The reloads were counted, and the server stops on SIGTERM as the page says.
  server_->signal(SIGTERM);
  EXPECT_EQ(server_->wait_exit(), 0) << server_->standard_error();
  EXPECT_NE(server_->standard_error().find("\"event\":\"stopped\",\"posts_scored\":6,"), std::string::npos)
      << server_->standard_error();
}

}  // namespace
}  // namespace sieve::testing
