// The drift metrics of the server (drift_metrics.h): each post's ood value and each binary head's score
// per language, and the posts each head flags, counted from scored batches and rendered as Prometheus
// histograms; then the whole server, whose /metrics must agree with the answers it gave.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "runtime_model_files.h"
#include "server_fixture.h"
#include "sieve/format/model_file.h"
#include "sieve/serve/drift_metrics.h"

namespace sieve::infer::testing {
namespace {

// A bag model with out-of-domain statistics: over all posts ood = rarity / 10, where row r has rarity
// r % 10; English (points 0 and 20) and German (0 and 10) posts have points of their own.
ModelParts drift_parts() {
  ModelParts parts = bag_parts();
  for (std::uint32_t r = 0; r < parts.table_size; ++r) parts.ood_rarity.push_back(static_cast<float>(r % 10));
  parts.ood_json = R"({"posts":5000,"limit":0.9,"min_subwords":3,"overall":[0,1,2,3,4,5,6,7,8,9,10],)"
                   R"("languages":{"en":[0,20],"de":[0,10]}})";
  return parts;
}

// The model file of parts with each `from` of its "sieve" metadata replaced by `to`: a head renamed, a
// threshold changed.
std::string write_edited(const ModelParts& parts, const std::string& from, const std::string& to,
                         const std::string& name) {
  std::string json = metadata(parts);
  for (std::size_t at = json.find(from); at != std::string::npos; at = json.find(from, at + to.size()))
    json.replace(at, from.size(), to);
  return write(parts, name, json);
}

// The samples of a Prometheus text: "name{labels}" → value.
std::map<std::string, double> samples_of(const std::string& text) {
  std::map<std::string, double> samples;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = text.substr(start, end - start);
    if (line.empty() || line[0] == '#') continue;
    const std::size_t space = line.rfind(' ');
    samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return samples;
}

// What a scraper relies on in every histogram of text: per series, buckets that never fall as le rises,
// and a +Inf bucket equal to its _count. The faults found, "" when there are none.
std::string histogram_faults(const std::string& text) {
  std::map<std::string, std::vector<std::pair<double, double>>> buckets;  // series → (le, count)
  const std::map<std::string, double> samples = samples_of(text);
  for (const auto& [key, value] : samples) {
    const std::size_t brace = key.find('{');
    const std::size_t le = key.find("le=\"");
    if (brace == std::string::npos || brace < 7 || key.compare(brace - 7, 7, "_bucket") != 0) continue;
    if (le == std::string::npos) return key + ": a bucket without le\n";
    const std::string bound = key.substr(le + 4, key.find('"', le + 4) - le - 4);
    const std::string labels = key.substr(brace + 1, le > brace + 1 ? le - brace - 2 : 0);
    const std::string series = key.substr(0, brace - 7) + "{" + labels + "}";
    buckets[series].emplace_back(bound == "+Inf" ? 1e300 : std::stod(bound), value);
  }
  std::string faults;
  for (auto& [series, rows] : buckets) {
    std::sort(rows.begin(), rows.end());
    for (std::size_t i = 1; i < rows.size(); ++i)
      if (rows[i].second < rows[i - 1].second) faults += series + ": a bucket below the one before\n";
    const std::string name = series.substr(0, series.find('{'));
    const std::string labels = series.substr(name.size());
    const auto count = samples.find(name + "_count" + (labels == "{}" ? "" : labels));
    if (count == samples.end() || count->second != rows.back().second || rows.back().first != 1e300)
      faults += series + ": the +Inf bucket is not the _count\n";
  }
  return faults;
}

std::string bound_text(double bound) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", bound);
  return text;
}

TEST(DriftMetrics, TheLanguageLabelsAreTheModelsLanguagesThoseGuessedAndOther) {
  const auto with_ood = Model::load(write(drift_parts(), "drift-labels.sieve"));
  const auto without = Model::load(small_model_file());
  const std::vector<std::string> languages = metric_languages(*with_ood);
  EXPECT_EQ(languages, (std::vector<std::string>{"de", "en", "fr", "zh", "other"}));
  EXPECT_EQ(metric_languages(*without), (std::vector<std::string>{"en", "fr", "zh", "other"}));
  EXPECT_EQ(metric_language(languages, "de"), 0u);
  EXPECT_EQ(metric_language(languages, "zh"), 3u);
  for (const char* lang : {"es", "", "EN", "other", "zz\"}\n", "\xff"})
    EXPECT_EQ(metric_language(languages, lang), 4u);
}

// Rows of the test model: P(coordinated) and the three classes of the head "lang".
struct Row {
  const char* lang;
  float coordinated;
  float rarity;  // ood = rarity / 20 for en, / 10 otherwise
};

TEST(DriftMetrics, CountsOodScoresAndFlagsPerHeadAndLanguageFromABatch) {
  const auto model = Model::load(write(drift_parts(), "drift-batch.sieve"));
  const std::vector<Row> rows = {
      {"en", 0.03f, 4.0f},                     // ood 0.2
      {"fr", 0.12f, 9.7f},                     // ood 0.97
      {"en", 0.51f, 19.7f},                    // ood 0.985, flagged (every post is decided)
      {"es", 0.97f, 4.4f},                     // other, ood 0.44, flagged
      {"", 0.62f, 9.93f},                      // other, ood 0.993, flagged
      {"fr", 0.88f, 2.5f},                     // ood 0.25, flagged
      {"de", 0.56f, 3.0f},                     // ood 0.3, flagged
      {"x\"} 1\nsieve_ready 0", 0.42f, 1.0f},  // other, ood 0.1
  };
  std::vector<std::string_view> langs;
  std::vector<float> probabilities;
  std::vector<PostFamiliarity> familiarity;
  for (const Row& row : rows) {
    langs.push_back(row.lang);
    probabilities.insert(probabilities.end(), {row.coordinated, 0.2f, 0.3f, 0.5f});
    familiarity.push_back({row.rarity, 10});
  }
  ASSERT_EQ(model->output_count(), 4u);
  const std::vector<std::string> languages = metric_languages(*model);
  DriftMetrics drift;
  drift.observe({*model, languages, langs, probabilities.data(), familiarity.data()});
  std::string text;
  drift.render(text);
  EXPECT_EQ(histogram_faults(text), "");
  std::map<std::string, double> s = samples_of(text);
  const auto score = [&](const char* lang, const char* le) {
    return s[std::string("sieve_post_score_bucket{head=\"coordinated\",lang=\"") + lang + "\",le=\"" + le +
             "\"}"];
  };
  EXPECT_EQ(score("en", "0.05"), 1);
  EXPECT_EQ(score("en", "0.5"), 1);
  EXPECT_EQ(score("en", "0.55"), 2);
  EXPECT_EQ(score("fr", "0.1"), 0);
  EXPECT_EQ(score("fr", "0.15"), 1);
  EXPECT_EQ(score("fr", "0.85"), 1);
  EXPECT_EQ(score("fr", "0.9"), 2);
  EXPECT_EQ(score("de", "0.55"), 0);
  EXPECT_EQ(score("de", "0.6"), 1);
  EXPECT_EQ(score("other", "0.4"), 0);
  EXPECT_EQ(score("other", "0.45"), 1);
  EXPECT_EQ(score("other", "0.65"), 2);
  EXPECT_EQ(score("other", "0.95"), 2);
  EXPECT_EQ(score("other", "1"), 3);
  EXPECT_EQ(s["sieve_post_score_count{head=\"coordinated\",lang=\"other\"}"], 3);
  EXPECT_EQ(s.count("sieve_post_score_count{head=\"coordinated\",lang=\"zh\"}"), 0u);  // no posts
  const auto flagged = [&](const char* lang) {
    return s[std::string("sieve_posts_flagged_total{head=\"coordinated\",lang=\"") + lang + "\"}"];
  };
  EXPECT_EQ(flagged("en"), 1);
  EXPECT_EQ(flagged("fr"), 1);
  EXPECT_EQ(flagged("de"), 1);
  EXPECT_EQ(flagged("other"), 2);
  const auto ood = [&](const char* lang, const char* le) {
    return s[std::string("sieve_post_ood_bucket{lang=\"") + lang + "\",le=\"" + le + "\"}"];
  };
  EXPECT_EQ(ood("en", "0.5"), 1);
  EXPECT_EQ(ood("en", "0.98"), 1);
  EXPECT_EQ(ood("en", "0.99"), 2);
  EXPECT_EQ(ood("fr", "0.95"), 1);
  EXPECT_EQ(ood("fr", "0.98"), 2);
  EXPECT_EQ(ood("other", "0.5"), 2);
  EXPECT_EQ(ood("other", "0.99"), 2);
  EXPECT_EQ(ood("other", "0.995"), 3);
  EXPECT_EQ(ood("de", "+Inf"), 1);
  EXPECT_EQ(text.find("head=\"lang\""), std::string::npos) << "a multi-class head has no score series";
  EXPECT_EQ(text.find("sieve_ready"), std::string::npos) << text;
  EXPECT_EQ(text.find("lang=\"es\""), std::string::npos) << text;
}

TEST(DriftMetrics, AModelWithOtherHeadsAddsSeriesAndKeepsTheCountsOfTheOthers) {
  const auto before = Model::load(write(drift_parts(), "drift-before.sieve"));
  const auto after =
      Model::load(write_edited(bag_parts(), "\"coordinated\"", "\"abusive\"", "drift-after.sieve"));
  DriftMetrics drift;
  const std::vector<std::string_view> langs = {"en", "fr"};
  const std::vector<float> probabilities = {0.7f, 0.2f, 0.3f, 0.5f, 0.1f, 0.2f, 0.3f, 0.5f};
  const std::vector<PostFamiliarity> familiarity = {{1.0f, 10}, {1.0f, 10}};
  const std::vector<std::string> before_languages = metric_languages(*before);
  drift.observe({*before, before_languages, langs, probabilities.data(), familiarity.data()});
  const std::vector<std::string> after_languages = metric_languages(*after);
  drift.observe({*after, after_languages, langs, probabilities.data(), nullptr});
  drift.observe({*after, after_languages, langs, probabilities.data(), nullptr});
  std::string text;
  drift.render(text);
  EXPECT_EQ(histogram_faults(text), "");
  std::map<std::string, double> s = samples_of(text);
  EXPECT_EQ(s["sieve_post_score_count{head=\"coordinated\",lang=\"en\"}"], 1);
  EXPECT_EQ(s["sieve_post_score_count{head=\"abusive\",lang=\"en\"}"], 2);
  EXPECT_EQ(s["sieve_posts_flagged_total{head=\"coordinated\",lang=\"en\"}"], 1);
  EXPECT_EQ(s["sieve_posts_flagged_total{head=\"abusive\",lang=\"en\"}"], 2);
  EXPECT_EQ(s["sieve_posts_flagged_total{head=\"abusive\",lang=\"fr\"}"], 0);
  EXPECT_EQ(s["sieve_post_ood_count{lang=\"en\"}"], 1) << "posts of a model without ood are not observed";
}

// One post of an answer as the drift metrics should have counted it.
struct AnsweredPost {
  std::string lang;
  float score = 0;  // the binary head's
  std::optional<double> ood;
  bool flagged = false;
};

std::vector<AnsweredPost> answered_posts(const HttpAnswer& answer) {
  simdjson::dom::parser parser;
  simdjson::dom::array posts;
  EXPECT_FALSE(parser.parse(answer.body)["posts"].get(posts)) << answer.body;
  std::vector<AnsweredPost> out;
  for (const simdjson::dom::element post : posts) {
    AnsweredPost a;
    a.lang = std::string(std::string_view(post["lang"]));
    a.score = static_cast<float>(double(post["scores"]["coordinated"]));
    double ood;
    if (!post["ood"].get_double().get(ood)) a.ood = ood;
    bool decision = false;
    a.flagged = !post["decisions"]["coordinated"].get_bool().get(decision) && decision;
    out.push_back(a);
  }
  return out;
}

std::string drift_label(const std::string& lang) {
  const std::set<std::string> known = {"de", "en", "fr", "zh"};
  return known.count(lang) ? lang : "other";
}

std::string score_request(const std::vector<std::string>& langs) {
  std::string body = R"({"posts":[)";
  for (const std::string& lang : langs) {
    for (const std::string& text : sample_posts()) {
      if (body.back() != '[') body += ',';
      body += R"({"text":")" + text + "\"" + (lang.empty() ? "" : R"(,"lang":")" + lang + "\"") + "}";
    }
  }
  return body + "]}";
}

TEST(ServerDrift, MetricsCountWhatTheAnswersSaid) {
  ServerOptions options = small_server_options();
  // A threshold among the random model's scores (all within 0.443 to 0.448 on these posts), so that
  // some posts are flagged and some not.
  options.model_path =
      write_edited(drift_parts(), "\"threshold\":0.5", "\"threshold\":0.446", "drift-served.sieve");
  RunningServer server(options);
  std::vector<AnsweredPost> posts;
  // Guessed, given, and given but unknown to the model, hostile among them.
  const std::vector<std::vector<std::string>> requests = {{"", "en", "de"},
                                                          {"es", "zh", R"(x\"} 1\nsieve_ready 0)"}};
  for (const std::vector<std::string>& langs : requests) {
    const HttpAnswer answer = exchange(server.port(), post_request("/v1/score", score_request(langs)));
    ASSERT_EQ(answer.status, 200) << answer.body;
    for (const AnsweredPost& post : answered_posts(answer)) posts.push_back(post);
  }
  ASSERT_EQ(posts.size(), 6 * sample_posts().size());
  const std::string text = exchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").body;
  EXPECT_EQ(histogram_faults(text), "");
  std::map<std::string, double> s = samples_of(text);
  std::set<std::string> labels;
  std::size_t flagged_posts = 0;
  for (const AnsweredPost& post : posts) {
    labels.insert(drift_label(post.lang));
    flagged_posts += post.flagged;
  }
  EXPECT_GT(flagged_posts, 0u);
  EXPECT_LT(flagged_posts, posts.size());
  EXPECT_EQ(labels, (std::set<std::string>{"de", "en", "fr", "other", "zh"}));
  for (const std::string& label : labels) {
    const std::string series = "head=\"coordinated\",lang=\"" + label + "\"";
    std::size_t count = 0, flagged = 0;
    for (const AnsweredPost& post : posts) {
      if (drift_label(post.lang) != label) continue;
      ++count;
      flagged += post.flagged;
      ASSERT_TRUE(post.ood.has_value());
    }
    EXPECT_EQ(s["sieve_post_score_count{" + series + "}"], static_cast<double>(count)) << label;
    EXPECT_EQ(s["sieve_posts_flagged_total{" + series + "}"], static_cast<double>(flagged)) << label;
    EXPECT_EQ(s["sieve_post_ood_count{lang=\"" + label + "\"}"], static_cast<double>(count)) << label;
    for (const double bound : kScoreBuckets) {
      const auto below = std::count_if(posts.begin(), posts.end(), [&](const AnsweredPost& p) {
        return drift_label(p.lang) == label && static_cast<double>(p.score) <= bound;
      });
      EXPECT_EQ(s["sieve_post_score_bucket{" + series + ",le=\"" + bound_text(bound) + "\"}"],
                static_cast<double>(below))
          << label << " " << bound;
    }
    for (const double bound : kOodBuckets) {
      const auto below = std::count_if(posts.begin(), posts.end(), [&](const AnsweredPost& p) {
        return drift_label(p.lang) == label && *p.ood <= bound;
      });
      EXPECT_EQ(s["sieve_post_ood_bucket{lang=\"" + label + "\",le=\"" + bound_text(bound) + "\"}"],
                static_cast<double>(below))
          << label << " " << bound;
    }
  }
  EXPECT_EQ(text.find("sieve_ready 0"), std::string::npos) << text;
}

TEST(ServerDrift, AReloadWithOtherHeadsKeepsTheMetricsValid) {
  RunningServer server;
  const std::string request = post_request("/v1/score", score_request({"en"}));
  ASSERT_EQ(exchange(server.port(), request).status, 200);
  server.server().reload(write_edited(bag_parts(), "\"coordinated\"", "\"abusive\"", "drift-reloaded.sieve"));
  ASSERT_EQ(exchange(server.port(), request).status, 200);
  ASSERT_EQ(exchange(server.port(), request).status, 200);
  const std::string text = exchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").body;
  EXPECT_EQ(histogram_faults(text), "");
  std::map<std::string, double> s = samples_of(text);
  const double posts = static_cast<double>(sample_posts().size());
  EXPECT_EQ(s["sieve_post_score_count{head=\"coordinated\",lang=\"en\"}"], posts);
  EXPECT_EQ(s["sieve_post_score_count{head=\"abusive\",lang=\"en\"}"], 2 * posts);
  EXPECT_EQ(text.find("sieve_post_ood_bucket"), std::string::npos) << "neither model has ood statistics";
  EXPECT_NE(text.find("# TYPE sieve_post_ood histogram\n"), std::string::npos);
}

}  // namespace
}  // namespace sieve::infer::testing
