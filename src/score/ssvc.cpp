// SSVC: the CISA coordinator decision table, compiled in.
//
// The table below is CERT/CC SSVC `data/csv/cisa/cisa_coordinator_2_0_3.csv` at commit
// e3b00a25615845960cec9caa1388064739f17728, byte for byte (also in
// tests/data/ssvc/cisa_coordinator_2_0_3.csv, which score_test.cpp compares with this copy).
// Copyright 2026 Carnegie Mellon University; licensed under an MIT (SEI)-style licence, whose
// text is tests/data/ssvc/LICENSE-CERTCC-SSVC-data.txt. The decision points are defined in
// CERT/CC SSVC `data/json/decision_points/ssvc/*.json`; the outcomes (track, track*, attend,
// act) in `data/json/decision_points/cisa/cisa_levels_1_1_0.json`.
#include "score/ssvc.hpp"

#include <postmortem/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <tuple>
#include <vector>

PM_BEGIN_NAMESPACE
namespace detail {

namespace {

constexpr std::string_view cisa_coordinator_csv = R"csv(
row,Exploitation v1.1.0,Automatable v2.0.0,Technical Impact v1.0.0,Mission and Well-Being Impact v1.0.0,CISA Levels v1.1.0 (cisa)
0,none,no,partial,low,track
1,none,no,partial,medium,track
2,none,no,partial,high,track
3,none,no,total,low,track
4,none,no,total,medium,track
5,none,no,total,high,track*
6,none,yes,partial,low,track
7,none,yes,partial,medium,track
8,none,yes,partial,high,attend
9,none,yes,total,low,track
10,none,yes,total,medium,track
11,none,yes,total,high,attend
12,public poc,no,partial,low,track
13,public poc,no,partial,medium,track
14,public poc,no,partial,high,track*
15,public poc,no,total,low,track
16,public poc,no,total,medium,track*
17,public poc,no,total,high,attend
18,public poc,yes,partial,low,track
19,public poc,yes,partial,medium,track
20,public poc,yes,partial,high,attend
21,public poc,yes,total,low,track
22,public poc,yes,total,medium,track*
23,public poc,yes,total,high,attend
24,active,no,partial,low,track
25,active,no,partial,medium,track
26,active,no,partial,high,attend
27,active,no,total,low,track
28,active,no,total,medium,attend
29,active,no,total,high,act
30,active,yes,partial,low,attend
31,active,yes,partial,medium,attend
32,active,yes,partial,high,act
33,active,yes,total,low,attend
34,active,yes,total,medium,act
35,active,yes,total,high,act
)csv";

// One row: the four decision-point values and the outcome.
using Key = std::array<std::string, 4>;

struct Table {
  std::array<std::vector<std::string>, 4> values; // each decision point's values, in table order
  std::map<Key, std::string, std::less<>> outcome;
};

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    std::size_t end = line.find(sep, start);
    out.push_back(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// Parses the CSV once: header `row,<4 decision points>,<outcome>`, then one line per row.
Table parse_table() {
  Table t;
  std::string_view text = cisa_coordinator_csv.substr(1); // the raw string starts with a newline
  bool header = true;
  for (std::string_view line : split(text, '\n')) {
    if (line.empty()) continue;
    if (header) {
      header = false;
      continue;
    }
    auto cells = split(line, ',');
    if (cells.size() != 6) throw error(errc::error, "SSVC table: a row does not have 6 cells");
    Key key;
    for (std::size_t i = 0; i < 4; ++i) {
      key[i] = std::string(cells[i + 1]);
      if (std::ranges::find(t.values[i], key[i]) == t.values[i].end()) t.values[i].push_back(key[i]);
    }
    t.outcome.emplace(std::move(key), std::string(cells[5]));
  }
  return t;
}

const Table &table() {
  static const Table t = parse_table();
  return t;
}

constexpr std::string_view point_names[] = {"exploitation", "automatable", "technical impact",
                                            "mission and well-being impact"};

} // namespace

std::string_view ssvc_csv() noexcept { return cisa_coordinator_csv.substr(1); }

std::string_view ssvc_lookup(std::span<const std::string_view, 4> points) {
  const Table &t = table();
  Key key;
  for (std::size_t i = 0; i < 4; ++i) {
    if (std::ranges::find(t.values[i], points[i]) == t.values[i].end()) {
      std::string list;
      for (const auto &v : t.values[i]) list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", v);
      throw error(errc::invalid_argument,
                  fmt::format("SSVC: {} \"{}\" is not a value of the CISA coordinator table (expected {})", point_names[i],
                              points[i], list));
    }
    key[i] = std::string(points[i]);
  }
  auto it = t.outcome.find(key);
  if (it == t.outcome.end()) throw error(errc::error, "SSVC table: a combination of values has no row");
  return it->second;
}

} // namespace detail
PM_END_NAMESPACE
