#include "svg_chart.h"

#include <algorithm>
#include <cstdio>

#include "report_render.h"

namespace sieve::infer::report {
namespace {

// Geometry in pixels: the plot square, then the legend to its right so that it never covers data.
constexpr double kLeft = 64, kTop = 36, kSide = 280, kLegendX = kLeft + kSide + 20, kWidth = 570;
constexpr double kLegendRow = 20;
constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
constexpr const char* kBarColour = "#a0cbe8";
constexpr const char* kMarkerColour = "#e15759";

std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

// Black for the emphasised line, the palette in order for the others.
std::string line_colour(const Chart& chart, std::size_t i) {
  if (chart.lines[i].emphasised) return "#000";
  std::size_t rank = 0;
  for (std::size_t j = 0; j < i; ++j) rank += !chart.lines[j].emphasised;
  return kPalette[rank % (sizeof kPalette / sizeof kPalette[0])];
}

double px(double x) { return kLeft + std::clamp(x, 0.0, 1.0) * kSide; }
double py(double y) { return kTop + (1 - std::clamp(y, 0.0, 1.0)) * kSide; }

void axes(std::string& out, const Chart& chart) {
  out += "<rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(kSide) + "\" height=\"" +
         num(kSide) + "\" fill=\"#fff\" stroke=\"#888\"/>\n";
  for (int i = 0; i <= 5; ++i) {
    const double t = i / 5.0;
    const std::string label = format_number(t, 1);
    // Grid lines inside, tick labels outside.
    out += "<line x1=\"" + num(px(t)) + "\" y1=\"" + num(kTop) + "\" x2=\"" + num(px(t)) + "\" y2=\"" +
           num(kTop + kSide + 5) + "\" stroke=\"#e4e4e4\"/>\n";
    out += "<line x1=\"" + num(kLeft - 5) + "\" y1=\"" + num(py(t)) + "\" x2=\"" + num(kLeft + kSide) +
           "\" y2=\"" + num(py(t)) + "\" stroke=\"#e4e4e4\"/>\n";
    out += "<text x=\"" + num(px(t)) + "\" y=\"" + num(kTop + kSide + 18) + "\" text-anchor=\"middle\">" +
           label + "</text>\n";
    out += "<text x=\"" + num(kLeft - 8) + "\" y=\"" + num(py(t) + 4) + "\" text-anchor=\"end\">" + label +
           "</text>\n";
  }
  out += "<rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(kSide) + "\" height=\"" +
         num(kSide) + "\" fill=\"none\" stroke=\"#888\"/>\n";
  out += "<text x=\"" + num(kLeft + kSide / 2) + "\" y=\"" + num(kTop + kSide + 40) +
         "\" text-anchor=\"middle\" class=\"axis\">" + markup_escape(chart.x_label) + "</text>\n";
  const std::string y_mid = num(kTop + kSide / 2);
  out += "<text x=\"18\" y=\"" + y_mid +
         "\" text-anchor=\"middle\" class=\"axis\" transform=\"rotate(-90 18 " + y_mid + ")\">" +
         markup_escape(chart.y_label) + "</text>\n";
  out +=
      "<text x=\"" + num(kLeft) + "\" y=\"22\" class=\"title\">" + markup_escape(chart.title) + "</text>\n";
}

void data(std::string& out, const Chart& chart) {
  for (const ChartBar& bar : chart.bars) {
    out += "<rect x=\"" + num(px(bar.x0) + 1) + "\" y=\"" + num(py(bar.y)) + "\" width=\"" +
           num(std::max(0.0, px(bar.x1) - px(bar.x0) - 2)) + "\" height=\"" + num(py(0) - py(bar.y)) +
           "\" fill=\"" + kBarColour + "\"><title>" + markup_escape(bar.tooltip) + "</title></rect>\n";
  }
  if (!chart.diagonal_name.empty()) {
    out += "<line x1=\"" + num(px(0)) + "\" y1=\"" + num(py(0)) + "\" x2=\"" + num(px(1)) + "\" y2=\"" +
           num(py(1)) + "\" stroke=\"#555\" stroke-dasharray=\"5 4\"/>\n";
  }
  // Drawn in reverse so that the first line, usually the emphasised one, ends on top.
  for (std::size_t i = chart.lines.size(); i-- > 0;) {
    const ChartLine& line = chart.lines[i];
    if (line.points.empty()) continue;
    std::string points;
    for (const ChartPoint& p : line.points) points += num(px(p.x)) + "," + num(py(p.y)) + " ";
    points.pop_back();
    out += "<polyline fill=\"none\" stroke=\"" + line_colour(chart, i) + "\" stroke-width=\"" +
           (line.emphasised ? "2.5" : "1.5") + "\" stroke-linejoin=\"round\" points=\"" + points +
           "\"><title>" + markup_escape(line.name) + "</title></polyline>\n";
  }
  for (const ChartPoint& p : chart.markers) {
    out += "<circle cx=\"" + num(px(p.x)) + "\" cy=\"" + num(py(p.y)) + "\" r=\"3.5\" fill=\"" +
           kMarkerColour + "\"/>\n";
  }
}

void legend_entry(std::string& out, int row, const std::string& swatch, const std::string& name) {
  const double y = kTop + 8 + row * kLegendRow;
  out += "<g transform=\"translate(" + num(kLegendX) + " " + num(y) + ")\">" + swatch +
         "<text x=\"30\" y=\"4\">" + markup_escape(name) + "</text></g>\n";
}

void legend(std::string& out, const Chart& chart) {
  int row = 0;
  for (std::size_t i = 0; i < chart.lines.size(); ++i) {
    const ChartLine& line = chart.lines[i];
    legend_entry(out, row++,
                 "<line x1=\"0\" y1=\"0\" x2=\"22\" y2=\"0\" stroke=\"" + line_colour(chart, i) +
                     "\" stroke-width=\"" + (line.emphasised ? "2.5" : "1.5") + "\"/>",
                 line.name);
  }
  if (!chart.bars.empty() && !chart.bars_name.empty()) {
    legend_entry(
        out, row++,
        std::string("<rect x=\"0\" y=\"-6\" width=\"22\" height=\"12\" fill=\"") + kBarColour + "\"/>",
        chart.bars_name);
  }
  if (!chart.markers.empty() && !chart.markers_name.empty()) {
    legend_entry(out, row++,
                 std::string("<circle cx=\"11\" cy=\"0\" r=\"3.5\" fill=\"") + kMarkerColour + "\"/>",
                 chart.markers_name);
  }
  if (!chart.diagonal_name.empty()) {
    legend_entry(out, row++,
                 "<line x1=\"0\" y1=\"0\" x2=\"22\" y2=\"0\" stroke=\"#555\" stroke-dasharray=\"5 4\"/>",
                 chart.diagonal_name);
  }
}

bool has_data(const Chart& chart) {
  for (const ChartLine& line : chart.lines) {
    if (!line.points.empty()) return true;
  }
  return !chart.bars.empty() || !chart.markers.empty();
}

}  // namespace

std::string render_svg(const Chart& chart) {
  const std::size_t legend_rows = chart.lines.size() + 3;
  const double height = std::max(kTop + kSide + 56, kTop + 16 + legend_rows * kLegendRow);
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" + num(kWidth) +
                    "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(kWidth) + " " + num(height) +
                    "\" role=\"img\">\n<title>" + markup_escape(chart.title) + "</title>\n";
  axes(out, chart);
  data(out, chart);
  if (!has_data(chart) && !chart.empty_note.empty()) {
    out += "<text x=\"" + num(kLeft + kSide / 2) + "\" y=\"" + num(kTop + kSide / 2) +
           "\" text-anchor=\"middle\" fill=\"#888\">" + markup_escape(chart.empty_note) + "</text>\n";
  }
  legend(out, chart);
  out += "</svg>\n";
  return out;
}

}  // namespace sieve::infer::report
