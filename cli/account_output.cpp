#include "account_output.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "sieve/core/json_writer.h"
#include "sieve/core/markup.h"

namespace sieve::cli {
namespace {

constexpr std::size_t kShownTemplates = 3, kShownMembers = 20;
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

std::vector<std::string> languages_of(const analysis::AccountTable& table, std::uint64_t bits) {
  std::vector<std::string> langs;
  for (std::size_t l = 0; l < table.langs.size(); ++l) {
    if ((bits >> l) & 1) langs.push_back(table.langs[l]);
  }
  return langs;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

void time_or_null(JsonWriter& w, std::int64_t t) {
  if (t == 0) {
    w.null();
  } else {
    w.value(t);
  }
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string number_text(double x) {
  if (std::isnan(x)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

void write_template(JsonWriter& w, const AccountReport& r, std::uint32_t cluster, std::size_t size) {
  w.begin_object().key("cluster").value(static_cast<std::uint64_t>(cluster));
  w.key("size").value(static_cast<std::uint64_t>(size)).key("text");
  const std::uint32_t post = cluster < r.representative.size() ? r.representative[cluster] : kNone;
  const auto it = r.texts.find(post);
  if (it == r.texts.end()) {
    w.null();
  } else {
    w.value(it->second.text);
  }
  w.end_object();
}

void write_evidence(
    JsonWriter& w, const AccountReport& r, std::size_t a,
    const std::vector<std::pair<std::uint32_t, const datasets::CoordinationEdge*>>& neighbours) {
  const std::size_t heads = r.table.heads.size();
  w.key("evidence").begin_object().key("posts").begin_array();
  for (const std::uint32_t post : r.evidence_posts[a]) {
    const auto it = r.texts.find(post);
    w.begin_object().key("id").value(it == r.texts.end() ? "" : it->second.id);
    w.key("text").value(it == r.texts.end() ? "" : it->second.text).key("coordinated");
    w.value(r.table.coordinated_head < 0  // null without a coordinated head
                ? std::nan("")
                : r.table.scores[post * heads + static_cast<std::size_t>(r.table.coordinated_head)]);
    w.key("template").value(static_cast<std::uint64_t>(r.table.posts[post].cluster)).end_object();
  }
  w.end_array().key("accounts").begin_array();
  for (const auto& [other, edge] : neighbours) {
    w.begin_object().key("account").value(r.table.accounts[other].name);
    w.key("templates").value(static_cast<std::uint64_t>(edge->templates));
    w.key("co_posts").value(static_cast<std::uint64_t>(edge->co_posts)).end_object();
  }
  w.end_array().end_object();
}

}  // namespace

std::vector<std::vector<std::pair<std::uint32_t, const datasets::CoordinationEdge*>>> top_neighbours(
    std::size_t accounts, const std::vector<datasets::CoordinationEdge>& edges) {
  std::vector<std::vector<std::pair<std::uint32_t, const datasets::CoordinationEdge*>>> top(accounts);
  const auto heavier = [](const auto& x, const auto& y) {
    return x.second->templates != y.second->templates ? x.second->templates > y.second->templates
                                                      : x.second->co_posts > y.second->co_posts;
  };
  const auto offer = [&](std::uint32_t account, std::uint32_t other, const datasets::CoordinationEdge* e) {
    auto& list = top[account];
    list.emplace_back(other, e);
    std::sort(list.begin(), list.end(), heavier);
    if (list.size() > 3) list.pop_back();
  };
  for (const datasets::CoordinationEdge& e : edges) {
    offer(e.a, e.b, &e);
    offer(e.b, e.a, &e);
  }
  return top;
}

void write_accounts_jsonl(const AccountReport& r, OutputSink& sink) {
  std::string& out = sink.text();
  const auto neighbours = top_neighbours(r.table.accounts.size(), r.coordination.edges);
  for (std::size_t a = 0; a < r.table.accounts.size(); ++a) {
    const analysis::AccountRow& row = r.table.accounts[a];
    const datasets::AccountCoordination& c = r.coordination.accounts[a];
    JsonWriter w;
    w.begin_object().key("account").value(row.name).key("posts").value(static_cast<std::uint64_t>(c.posts));
    w.key("languages").begin_array();
    for (const std::string& lang : languages_of(r.table, row.langs)) w.value(lang);
    w.end_array().key("first_time");
    time_or_null(w, row.first_time);
    w.key("last_time");
    time_or_null(w, row.last_time);
    w.key("component").value(static_cast<std::uint64_t>(r.component[a])).key("coordinated").value(r.score[a]);
    w.key("scores").begin_object();
    for (std::size_t h = 0; h < r.table.heads.size(); ++h) {
      const analysis::HeadSummary& s = r.table.summaries[a][h];
      w.key(r.table.heads[h]).begin_object().key("mean").value(s.mean).key("p90").value(s.p90);
      w.key("flagged").value(s.flagged).end_object();
    }
    w.end_object().key("coordination").begin_object();
    w.key("shared_template_share").value(c.shared_share()).key("co_accounts");
    w.value(static_cast<std::uint64_t>(c.co_accounts)).key("follow_share").value(c.follow_share());
    w.key("burstiness").value(c.burstiness);  // null when undefined
    w.key("largest_shared_template");
    if (c.largest_shared == kNone) {
      w.null();
    } else {
      write_template(w, r, c.largest_shared, c.largest_shared_size);
    }
    w.end_object();
    write_evidence(w, r, a, neighbours[a]);
    out += w.end_object().str();
    out += '\n';
    sink.maybe_flush();
  }
}

void write_accounts_csv(const AccountReport& r, OutputSink& sink) {
  std::string& out = sink.text();
  out += "account,posts,languages,first_time,last_time,component,coordinated";
  for (const std::string& head : r.table.heads)
    out += "," + head + "_mean," + head + "_p90," + head + "_flagged";
  out +=
      ",shared_template_share,co_accounts,follow_share,burstiness,largest_shared_template_size,"
      "largest_shared_template_text\n";
  for (std::size_t a = 0; a < r.table.accounts.size(); ++a) {
    const analysis::AccountRow& row = r.table.accounts[a];
    const datasets::AccountCoordination& c = r.coordination.accounts[a];
    out +=
        csv_field(row.name) + "," + std::to_string(c.posts) + "," + joined(languages_of(r.table, row.langs));
    out += "," + (row.first_time ? std::to_string(row.first_time) : "") + "," +
           (row.last_time ? std::to_string(row.last_time) : "");
    out += "," + std::to_string(r.component[a]) + "," + number_text(r.score[a]);
    for (const analysis::HeadSummary& s : r.table.summaries[a])
      out += "," + number_text(s.mean) + "," + number_text(s.p90) + "," + number_text(s.flagged);
    out += "," + number_text(c.shared_share()) + "," + std::to_string(c.co_accounts) + "," +
           number_text(c.follow_share()) + "," + number_text(c.burstiness) + ",";
    std::string text;
    if (c.largest_shared != kNone) {
      out += std::to_string(c.largest_shared_size);
      const auto it = r.texts.find(r.representative[c.largest_shared]);
      if (it != r.texts.end()) text = it->second.text;
    }
    out += "," + csv_field(text) + "\n";
    sink.maybe_flush();
  }
}

void write_edges_csv(const AccountReport& r, OutputSink& sink) {
  std::string& out = sink.text();
  out += "source,target,templates,co_posts,first_time,last_time\n";
  for (const datasets::CoordinationEdge& e : r.coordination.edges) {
    out += csv_field(r.table.accounts[e.a].name) + "," + csv_field(r.table.accounts[e.b].name) + "," +
           std::to_string(e.templates) + "," + std::to_string(e.co_posts) + "," +
           (e.first ? std::to_string(e.first) : "") + "," + (e.last ? std::to_string(e.last) : "") + "\n";
    sink.maybe_flush();
  }
}

void write_graphml(const AccountReport& r, OutputSink& sink) {
  std::string& out = sink.text();
  out +=
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
      "  <key id=\"account\" for=\"node\" attr.name=\"account\" attr.type=\"string\"/>\n"
      "  <key id=\"posts\" for=\"node\" attr.name=\"posts\" attr.type=\"int\"/>\n"
      "  <key id=\"coordinated\" for=\"node\" attr.name=\"coordinated\" attr.type=\"double\"/>\n"
      "  <key id=\"component\" for=\"node\" attr.name=\"component\" attr.type=\"int\"/>\n"
      "  <key id=\"templates\" for=\"edge\" attr.name=\"weight\" attr.type=\"int\"/>\n"
      "  <key id=\"co_posts\" for=\"edge\" attr.name=\"co_posts\" attr.type=\"int\"/>\n"
      "  <key id=\"first_time\" for=\"edge\" attr.name=\"first_time\" attr.type=\"long\"/>\n"
      "  <key id=\"last_time\" for=\"edge\" attr.name=\"last_time\" attr.type=\"long\"/>\n"
      "  <graph id=\"coordination\" edgedefault=\"undirected\">\n";
  std::vector<bool> linked(r.table.accounts.size());
  for (const datasets::CoordinationEdge& e : r.coordination.edges) linked[e.a] = linked[e.b] = true;
  for (std::size_t a = 0; a < linked.size(); ++a) {
    if (!linked[a]) continue;
    out += "    <node id=\"n" + std::to_string(a) + "\"><data key=\"account\">" +
           markup_escape(r.table.accounts[a].name) + "</data><data key=\"posts\">" +
           std::to_string(r.coordination.accounts[a].posts) + "</data><data key=\"coordinated\">" +
           number_text(r.score[a]) + "</data><data key=\"component\">" + std::to_string(r.component[a]) +
           "</data></node>\n";
    sink.maybe_flush();
  }
  for (const datasets::CoordinationEdge& e : r.coordination.edges) {
    out += "    <edge source=\"n" + std::to_string(e.a) + "\" target=\"n" + std::to_string(e.b) +
           "\"><data key=\"templates\">" + std::to_string(e.templates) + "</data><data key=\"co_posts\">" +
           std::to_string(e.co_posts) + "</data><data key=\"first_time\">" + std::to_string(e.first) +
           "</data><data key=\"last_time\">" + std::to_string(e.last) + "</data></edge>\n";
    sink.maybe_flush();
  }
  out += "  </graph>\n</graphml>\n";
}

void write_components(const AccountReport& r, OutputSink& sink) {
  std::string& out = sink.text();
  std::map<std::uint32_t, std::vector<std::uint32_t>> members;
  for (std::uint32_t a = 0; a < r.component.size(); ++a) members[r.component[a]].push_back(a);
  std::vector<std::pair<std::uint32_t, const std::vector<std::uint32_t>*>> large;
  for (const auto& [c, accounts] : members) {
    if (accounts.size() >= 2) large.emplace_back(c, &accounts);
  }
  std::stable_sort(large.begin(), large.end(),
                   [](const auto& x, const auto& y) { return x.second->size() > y.second->size(); });
  const std::size_t heads = r.table.heads.size();
  for (const auto& [c, accounts] : large) {
    std::size_t posts = 0;
    std::uint64_t langs = 0;
    double score = 0;
    std::vector<double> head_sums(heads, 0);
    std::set<std::pair<std::size_t, std::uint32_t>, std::greater<>> templates;  // (size, cluster)
    for (const std::uint32_t a : *accounts) {
      const datasets::AccountCoordination& ac = r.coordination.accounts[a];
      posts += ac.posts;
      langs |= r.table.accounts[a].langs;
      score += r.score[a];
      for (std::size_t h = 0; h < heads; ++h) head_sums[h] += r.table.summaries[a][h].mean * ac.posts;
      if (ac.largest_shared != kNone) templates.emplace(ac.largest_shared_size, ac.largest_shared);
    }
    JsonWriter w;
    w.begin_object().key("component").value(static_cast<std::uint64_t>(c));
    w.key("accounts").value(static_cast<std::uint64_t>(accounts->size()));
    w.key("posts").value(static_cast<std::uint64_t>(posts)).key("languages").begin_array();
    for (const std::string& lang : languages_of(r.table, langs)) w.value(lang);
    w.end_array().key("mean_coordinated").value(score / accounts->size()).key("mean_scores").begin_object();
    for (std::size_t h = 0; h < heads; ++h) w.key(r.table.heads[h]).value(head_sums[h] / posts);
    w.end_object().key("top_templates").begin_array();
    std::size_t shown = 0;
    for (const auto& [size, cluster] : templates) {
      if (shown++ == kShownTemplates) break;
      write_template(w, r, cluster, size);
    }
    w.end_array().key("members").begin_array();
    for (std::size_t k = 0; k < accounts->size() && k < kShownMembers; ++k)
      w.value(r.table.accounts[(*accounts)[k]].name);
    out += w.end_array().end_object().str();
    out += '\n';
    sink.maybe_flush();
  }
}

}  // namespace sieve::cli
