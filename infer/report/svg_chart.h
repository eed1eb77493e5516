#pragma once
// Inline SVG charts over the unit square, for the HTML evaluation report (private to infer/).

#include <string>
#include <vector>

namespace sieve::infer::report {

struct ChartPoint {
  double x = 0, y = 0;
};

// A polyline with a legend entry; the emphasised one is drawn black and thicker.
struct ChartLine {
  std::string name;
  std::vector<ChartPoint> points;
  bool emphasised = false;
};

// A bar over [x0, x1] up to y, with a tooltip.
struct ChartBar {
  double x0 = 0, x1 = 0, y = 0;
  std::string tooltip;
};

// A chart with both axes over [0, 1]. Every string is plain text: render_svg escapes it.
struct Chart {
  std::string title, x_label, y_label;
  std::vector<ChartLine> lines;
  std::vector<ChartBar> bars;
  std::string bars_name;            // legend entry of the bars
  std::vector<ChartPoint> markers;  // dots, e.g. a bin's mean prediction against its observed share
  std::string markers_name;         // legend entry of the dots
  std::string diagonal_name;        // when not empty, the dashed line y = x with this legend entry
  std::string empty_note;           // shown inside the axes when there is nothing to draw
};

// One <svg> element, self-contained: axes, ticks, grid, labels, data and a legend right of the plot.
std::string render_svg(const Chart& chart);

}  // namespace sieve::infer::report
