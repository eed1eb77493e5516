// fit_familiarity: feature rows counted over the training posts, and where each post's mean rarity falls.

#include "sieve/datasets/familiarity.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>

#include "error_text.h"

namespace sieve::datasets {
namespace {

struct Post {
  std::vector<std::uint32_t> ids;
  std::string lang;
};

TrainingPostWalk walk_of(const std::vector<Post>& posts) {
  return [&posts](const FamiliarityVisitor& visit) {
    for (const Post& p : posts) visit(p.ids.data(), p.ids.size(), p.lang);
  };
}

TEST(FitFamiliarity, CommonRowsAreLessRareAndEveryPostHasAPlace) {
  // 1,200 English posts of rows 0, 1, 0 and 10 French ones of rows 2 and 4; rows 3 and 5 never occur.
  std::vector<Post> posts(1200, Post{{0, 1, 0}, "en"});
  for (int i = 0; i < 10; ++i) posts.push_back({{2, 4}, "fr"});
  const FeatureFamiliarity f = fit_familiarity(6, walk_of(posts));
  EXPECT_EQ(f.posts, 1210u);
  ASSERT_EQ(f.rarity.size(), 6u);
  const double all = 1200 * 3 + 10 * 2 + 6;  // occurrences plus one per row
  EXPECT_NEAR(f.rarity[0], -std::log(2401 / all), 1e-5);
  EXPECT_NEAR(f.rarity[3], -std::log(1 / all), 1e-5);  // never seen: the rarest
  EXPECT_LT(f.rarity[0], f.rarity[1]);
  EXPECT_LT(f.rarity[1], f.rarity[2]);
  EXPECT_LT(f.rarity[2], f.rarity[3]);

  // English has posts enough for its own quantiles; French (10 posts) falls back to all posts'.
  ASSERT_EQ(f.quantiles.count("en"), 1u);
  EXPECT_EQ(f.quantiles.count("fr"), 0u);
  ASSERT_EQ(f.quantiles.at("").size(), kRarityQuantiles + 1);
  const std::vector<float>& en = f.quantiles.at("en");
  EXPECT_FLOAT_EQ(en.front(), en.back());  // every English post alike
  EXPECT_FLOAT_EQ(en.front(), (2 * f.rarity[0] + f.rarity[1]) / 3);
  const std::vector<float>& overall = f.quantiles.at("");
  EXPECT_TRUE(std::is_sorted(overall.begin(), overall.end()));
  EXPECT_FLOAT_EQ(overall.back(), (f.rarity[2] + f.rarity[4]) / 2);  // the French posts are the rarest

  simdjson::dom::parser parser;
  const simdjson::dom::element doc = parser.parse(f.to_json());
  EXPECT_EQ(std::uint64_t(doc["posts"]), 1210u);
  EXPECT_DOUBLE_EQ(double(doc["limit"]), kDefaultOodLimit);
  EXPECT_EQ(std::uint64_t(doc["min_subwords"]), kDefaultMinSubwords);
  EXPECT_EQ(doc["overall"].get_array().size(), kRarityQuantiles + 1);
  EXPECT_EQ(doc["languages"]["en"].get_array().size(), kRarityQuantiles + 1);
  EXPECT_TRUE(doc["languages"]["fr"].error());
}

TEST(FitFamiliarity, RefusesAnEmptyTrainingSet) {
  const std::vector<Post> none;
  EXPECT_EQ(testing::error_text([&] { fit_familiarity(6, walk_of(none)); }),
            "invalid input: training posts: none to count features of");
}

}  // namespace
}  // namespace sieve::datasets
