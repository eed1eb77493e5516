// Parsing and checking the body of POST /v1/score: what is accepted and what each refusal says.

#include "sieve/serve/score_request.h"

#include <gtest/gtest.h>

#include "error_text.h"
#include "sieve/serve/server_options.h"

namespace sieve::infer {
namespace {

const RequestLimits kLimits{3, 20};

// "<where>: <message> @<post index>" of the refusal, or "accepted".
std::string refusal(const std::string& body) {
  try {
    parse_score_request(body, kLimits);
  } catch (const RequestError& e) {
    return std::string(e.what()) + " @" + std::to_string(e.post_index());
  }
  return "accepted";
}

TEST(ScoreRequest, ReadsIdsTextsAndLanguagesGuessingAMissingOne) {
  const ScoreRequest request = parse_score_request(
      R"({"posts":[{"id":"a","text":"share before they delete it","lang":"en"},
                   {"id":42,"text":"Belle journée au parc"},
                   {"text":"特鲁多总理隐瞒了丑闻","extra":true}],"ignored":1})",
      RequestLimits{3, 100});
  ASSERT_EQ(request.posts.size(), 3u);
  EXPECT_EQ(request.posts[0].id_json, R"("a")");
  EXPECT_EQ(request.posts[0].lang, "en");
  EXPECT_EQ(request.posts[1].id_json, "42");
  EXPECT_EQ(request.posts[1].lang, "fr");
  EXPECT_EQ(request.posts[1].text, "Belle journée au parc");
  EXPECT_EQ(request.posts[2].id_json, "null");
  EXPECT_EQ(request.posts[2].lang, "zh");
}

TEST(ScoreRequest, RefusesBodiesThatAreNotJsonObjectsWithPosts) {
  EXPECT_EQ(refusal(R"({"posts":[{"text":"a"})").substr(0, 25), "body: not valid JSON: The");
  EXPECT_NE(refusal("").find("body: not valid JSON"), std::string::npos);
  EXPECT_NE(refusal("{\"posts\":[{\"text\":\"\xff\"}]}").find("body: not valid JSON"), std::string::npos);
  EXPECT_EQ(refusal(R"([1,2])"), "body: must be a JSON object with \"posts\" @-1");
  EXPECT_EQ(refusal(R"({"post":[]})"), "posts: missing @-1");
  EXPECT_EQ(refusal(R"({"posts":{"text":"a"}})"), "posts: must be an array of posts @-1");
  EXPECT_EQ(refusal(R"({"posts":[]})"), "posts: must hold at least one post @-1");
}

TEST(ScoreRequest, NamesTheOffendingPostAndKey) {
  EXPECT_EQ(refusal(R"({"posts":[{"text":"a"},"b"]})"), "posts[1]: must be an object with a \"text\" @1");
  EXPECT_EQ(refusal(R"({"posts":[{"text":"a"},{"id":"b"}]})"), "posts[1].text: missing @1");
  EXPECT_EQ(refusal(R"({"posts":[{"text":7}]})"), "posts[0].text: must be a string @0");
  EXPECT_EQ(refusal(R"({"posts":[{"text":"a","id":[1]}]})"),
            "posts[0].id: must be a string or an integer @0");
  EXPECT_EQ(refusal(R"({"posts":[{"text":"a","id":1.5}]})"),
            "posts[0].id: must be a string or an integer @0");
  EXPECT_EQ(refusal(R"({"posts":[{"text":"a","lang":3}]})"), "posts[0].lang: must be a string @0");
}

TEST(ScoreRequest, EnforcesThePostCountAndTextLengthLimits) {
  EXPECT_EQ(refusal(R"({"posts":[{"text":"a"},{"text":"b"},{"text":"c"},{"text":"d"}]})"),
            "posts: 4 posts, more than the limit of 3 per request @-1");
  EXPECT_EQ(refusal(R"({"posts":[{"text":"12345678901234567890"},{"text":"123456789012345678901"}]})"),
            "posts[1].text: is 21 bytes, more than the limit of 20 @1");
}

TEST(ServerOptions, ValidateNamesTheOptionOutOfRange) {
  ServerOptions options;
  options.model_path = "model.sieve";
  EXPECT_EQ(testing::error_text([&] { options.validate(); }), "no error");
  options.max_posts = 5000;
  EXPECT_EQ(testing::error_text([&] { options.validate(); }),
            "config: --queue-capacity: must hold at least one request of --max-posts (5000) posts");
  options.max_posts = 10;
  options.port = 70000;
  EXPECT_EQ(testing::error_text([&] { options.validate(); }),
            "config: --port: must be in [0, 65535], not 70000");
}

}  // namespace
}  // namespace sieve::infer
