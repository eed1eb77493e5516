// The drift report as a terminal table and as JSON.

#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <functional>

#include "sieve/analysis/drift.h"
#include "sieve/core/json_writer.h"

namespace sieve::analysis {
namespace {

void append(std::string& out, const char* format, ...) __attribute__((format(printf, 2, 3)));
void append(std::string& out, const char* format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  out += buffer;
}

std::string percent(double share) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", 100 * share);
  return buffer;
}

void append_side(std::string& out, const char* label, const std::string& name,
                 const datasets::ReadStats& stats) {
  append(out, "%-10s %s, %zu posts", label, name.c_str(), stats.accepted);
  if (stats.rejected > 0) append(out, " (%zu of %zu rows rejected)", stats.rejected, stats.rows);
  out += "\n";
}

void append_heads(std::string& out, const DriftReport& report) {
  append(out, "\n%-14s %-6s %9s %9s %7s %-9s %11s %15s %9s\n", "head", "lang", "ref n", "traffic n", "PSI",
         "reading", "flagged ref", "flagged traffic", "promised");
  for (const HeadDrift& row : report.heads) {
    std::string promised = "-";
    if (!std::isnan(row.promised)) promised = percent(row.promised) + (row.over_promise ? " over" : "");
    append(out, "%-14s %-6s %9zu %9zu %7.3f %-9s %11s %15s %9s\n", row.head.c_str(), row.lang.c_str(),
           row.reference_posts, row.traffic_posts, row.psi, stability_name(row.stability),
           percent(row.reference_flagged).c_str(), percent(row.traffic_flagged).c_str(), promised.c_str());
  }
}

void append_unfamiliar(std::string& out, const DriftReport& report) {
  if (!report.familiarity) {
    out += "\nunfamiliar posts: the model has no out-of-domain statistics\n";
    return;
  }
  append(out, "\nunfamiliar posts (\"ood\" above %g):\n", report.ood_limit);
  append(out, "%-6s %9s %9s %9s %9s %7s %s\n", "lang", "ref n", "traffic n", "ref", "traffic", "PSI",
         "reading");
  for (const UnfamiliarDrift& row : report.unfamiliar) {
    append(out, "%-6s %9zu %9zu %9s %9s %7.3f %s\n", row.lang.c_str(), row.reference_posts, row.traffic_posts,
           percent(row.reference_share).c_str(), percent(row.traffic_share).c_str(), row.psi,
           stability_name(row.stability));
  }
}

void write_side(JsonWriter& w, const std::string& name, const datasets::ReadStats& stats) {
  w.begin_object().key("file").value(name);
  w.key("posts").value(static_cast<std::uint64_t>(stats.accepted));
  w.key("rows").value(static_cast<std::uint64_t>(stats.rows));
  w.key("rejected").value(static_cast<std::uint64_t>(stats.rejected)).end_object();
}

void write_head(JsonWriter& w, const HeadDrift& row) {
  w.begin_object().key("head").value(row.head).key("lang").value(row.lang);
  w.key("reference_posts").value(static_cast<std::uint64_t>(row.reference_posts));
  w.key("traffic_posts").value(static_cast<std::uint64_t>(row.traffic_posts));
  w.key("psi").value(row.psi).key("reading").value(stability_name(row.stability));
  w.key("reference_flagged").value(row.reference_flagged).key("traffic_flagged").value(row.traffic_flagged);
  w.key("traffic_flagged_low").value(row.traffic_flagged_low).key("promised");
  if (std::isnan(row.promised)) {
    w.null();
  } else {
    w.value(row.promised);
  }
  w.key("over_promise").value(row.over_promise).end_object();
}

void write_unfamiliar(JsonWriter& w, const UnfamiliarDrift& row) {
  w.begin_object().key("lang").value(row.lang);
  w.key("reference_posts").value(static_cast<std::uint64_t>(row.reference_posts));
  w.key("traffic_posts").value(static_cast<std::uint64_t>(row.traffic_posts));
  w.key("reference_share").value(row.reference_share).key("traffic_share").value(row.traffic_share);
  w.key("psi").value(row.psi).key("reading").value(stability_name(row.stability)).end_object();
}

void write_options(JsonWriter& w, const DriftOptions& options) {
  w.begin_object().key("min_posts").value(static_cast<std::uint64_t>(options.min_posts));
  w.key("bins").value(static_cast<std::uint64_t>(options.bins)).key("floor").value(options.floor);
  w.key("moderate_psi").value(options.moderate_psi).key("drift_psi").value(options.drift_psi);
  w.key("promise_factor").value(options.promise_factor).end_object();
}

std::string psi_sign(const HeadDrift& row) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, " PSI %.2f", row.psi);
  return row.head + "/" + row.lang + buffer;
}

std::string promise_sign(const HeadDrift& row, double factor) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, " > %g x ", factor);
  return row.head + "/" + row.lang + " flagged " + percent(row.traffic_flagged) + buffer +
         percent(row.promised) + " promised";
}

std::string unfamiliar_sign(const UnfamiliarDrift& row) {
  return "unfamiliar " + row.lang + " " + percent(row.reference_share) + " -> " + percent(row.traffic_share);
}

// The strongest row of those that pass `keep` (by `strength`; a language before "all" when they tie, as
// it says more), and how many passed.
template <typename Row>
std::pair<const Row*, std::size_t> strongest(const std::vector<Row>& rows,
                                             const std::function<bool(const Row&)>& keep,
                                             const std::function<double(const Row&)>& strength) {
  const Row* best = nullptr;
  std::size_t count = 0;
  for (const Row& row : rows) {
    if (!keep(row)) continue;
    ++count;
    const bool stronger = !best || strength(row) > strength(*best) ||
                          (best->lang == "all" && row.lang != "all" && strength(row) >= strength(*best));
    if (stronger) best = &row;
  }
  return {best, count};
}

}  // namespace

std::string DriftReport::verdict() const {
  const bool is_drift = drift();
  const Stability level = is_drift ? Stability::kDrift : Stability::kModerate;
  const auto psi_of = [](const auto& row) { return row.psi; };
  const auto [head, head_count] = strongest<HeadDrift>(
      heads, [&](const HeadDrift& row) { return row.stability == level; }, psi_of);
  const auto [promise, promise_count] = strongest<HeadDrift>(
      heads, [&](const HeadDrift& row) { return is_drift && row.over_promise; },
      [](const HeadDrift& row) { return row.traffic_flagged_low / row.promised; });
  const auto [unfamiliar_row, unfamiliar_count] = strongest<UnfamiliarDrift>(
      unfamiliar, [&](const UnfamiliarDrift& row) { return row.stability == level; }, psi_of);
  std::vector<std::string> signs;
  if (head) signs.push_back(psi_sign(*head));
  if (promise) signs.push_back(promise_sign(*promise, options.promise_factor));
  if (unfamiliar_row) signs.push_back(unfamiliar_sign(*unfamiliar_row));
  const std::size_t more = head_count + promise_count + unfamiliar_count - signs.size();
  std::string verdict = is_drift ? "drift" : "no drift";
  if (signs.empty()) return verdict;
  verdict += is_drift ? " (" : " (moderate: ";
  for (std::size_t i = 0; i < signs.size(); ++i) verdict += (i == 0 ? "" : ", ") + signs[i];
  if (more > 0) verdict += ", " + std::to_string(more) + " more";
  return verdict + ")";
}

std::string drift_text(const DriftReport& report) {
  std::string out;
  append_side(out, "reference:", report.reference_name, report.reference_stats);
  append_side(out, "traffic:", report.traffic_name, report.traffic_stats);
  append_heads(out, report);
  append_unfamiliar(out, report);
  if (!report.too_few.empty()) {
    append(out,
           "\nnot compared, fewer than %zu posts on a side (reference, traffic):", report.options.min_posts);
    for (const TooFewPosts& row : report.too_few)
      append(out, " %s (%zu, %zu)", row.lang.c_str(), row.reference_posts, row.traffic_posts);
    out += "\n";
  }
  return out + "\nverdict: " + report.verdict() + "\n";
}

std::string drift_json(const DriftReport& report) {
  JsonWriter w;
  w.begin_object().key("reference");
  write_side(w, report.reference_name, report.reference_stats);
  w.key("traffic");
  write_side(w, report.traffic_name, report.traffic_stats);
  w.key("options");
  write_options(w, report.options);
  w.key("heads").begin_array();
  for (const HeadDrift& row : report.heads) write_head(w, row);
  w.end_array().key("ood_limit");
  if (report.familiarity) {
    w.value(report.ood_limit).key("unfamiliar").begin_array();
    for (const UnfamiliarDrift& row : report.unfamiliar) write_unfamiliar(w, row);
    w.end_array();
  } else {
    w.null().key("unfamiliar").null();
  }
  w.key("too_few").begin_array();
  for (const TooFewPosts& row : report.too_few) {
    w.begin_object().key("lang").value(row.lang);
    w.key("reference_posts").value(static_cast<std::uint64_t>(row.reference_posts));
    w.key("traffic_posts").value(static_cast<std::uint64_t>(row.traffic_posts)).end_object();
  }
  w.end_array().key("drift").value(report.drift()).key("verdict").value(report.verdict()).end_object();
  return w.take() + "\n";
}

}  // namespace sieve::analysis
