// PM201–PM204: references between collections, and the action dependency graph.
#include "validate/report.hpp"

#include "document/fields.hpp"
#include "graph.hpp"
#include "text.hpp"

#include <fmt/format.h>

#include <algorithm>

PM_BEGIN_NAMESPACE
namespace detail {

namespace {

// Every reference member of the format: which collection's member names ids of which.
struct Reference {
  std::string_view from, member, to;
};
constexpr Reference references[] = {
    {"vulnerabilities", "asset_ids", "assets"}, {"timeline", "asset_ids", "assets"},
    {"timeline", "evidence_ids", "evidence"},   {"indicators", "event_ids", "timeline"},
    {"indicators", "asset_ids", "assets"},      {"factors", "event_ids", "timeline"},
    {"factors", "evidence_ids", "evidence"},    {"factors", "asset_ids", "assets"},
    {"actions", "addresses", "factors"},        {"actions", "depends_on", "actions"},
    {"lessons", "action_ids", "actions"},
};

void dangling(const Document &doc, Report &report) {
  for (const auto &ref : references) {
    const IdIndex &ids = report.ids(doc, ref.to);
    const FieldInfo &from = *type_info<Document>().find(ref.from);
    const FieldInfo &member = *from.nested->find(ref.member);
    const FieldInfo &own_id = *from.nested->find("id");
    for (std::size_t i = 0, n = from.size(&doc); i < n; ++i) {
      const void *element = from.at(&doc, i);
      const Strings &values = *member.strings(element);
      const std::string *self = own_id.text(element);
      for (std::size_t j = 0; j < values.size(); ++j) {
        if (ids.contains(values[j])) {
          if (ref.member == "depends_on" && self && *self == values[j])
            report.add("PM204", fmt::format("/{}/{}/{}/{}", ref.from, i, ref.member, j),
                       fmt::format("action \"{}\" depends on itself", abbreviate(values[j])));
          continue;
        }
        report.add("PM201", fmt::format("/{}/{}/{}/{}", ref.from, i, ref.member, j),
                   fmt::format("\"{}\" in {} is not the id of any element of {}", abbreviate(values[j]), ref.member, ref.to));
      }
    }
  }
}

void unaddressed_actions(const Document &doc, Report &report) {
  for (std::size_t i = 0; i < doc.actions.size(); ++i)
    if (doc.actions[i].addresses.empty() && doc.actions[i].status != ActionStatus::rejected)
      report.add("PM202", pointer("actions", i),
                 fmt::format("action \"{}\" addresses no factor", label(doc.actions, i)));
}

// PM203: strongly connected components (graph.hpp: Tarjan, iteratively).
// Every component of two or more actions is one cycle finding at /actions.
void cycles(const Document &doc, Report &report) {
  const auto &actions = doc.actions;
  const IdIndex &index = report.ids(doc, "actions");
  const std::size_t n = actions.size();
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::size_t i = 0; i < n; ++i)
    for (const auto &dep : actions[i].depends_on)
      if (auto j = index.find(dep); j && *j != i) pairs.emplace_back(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(*j));
  const Csr edges = make_csr(n, pairs);

  constexpr std::size_t unvisited = SIZE_MAX;
  std::vector<std::vector<std::size_t>> components = cycles_of(strongly_connected(edges));
  for (auto &component : components) {
    // Walk one actual cycle through the component, from its first action in document order
    // (components are ascending).
    std::vector<bool> in(n, false);
    for (auto c : component) in[c] = true;
    std::size_t start = component.front();
    std::vector<std::size_t> parent(n, unvisited), queue{start};
    std::size_t closing = unvisited;
    for (std::size_t q = 0; q < queue.size() && closing == unvisited; ++q)
      for (auto w : edges[queue[q]]) {
        if (!in[w]) continue;
        if (w == start) { closing = queue[q]; break; }
        if (parent[w] == unvisited) { parent[w] = queue[q]; queue.push_back(w); }
      }
    std::vector<std::size_t> path;
    for (std::size_t v = closing; v != start; v = parent[v]) path.push_back(v);
    path.push_back(start);
    std::ranges::reverse(path);
    std::string chain;
    for (auto v : path) chain += fmt::format("{} → ", label(actions, v));
    chain += label(actions, start);
    std::string members;
    for (auto c : component) members += (members.empty() ? "" : ", ") + label(actions, c);
    report.add("PM203", "/actions",
               fmt::format("dependency cycle among actions {}: {} (each must be done before the next)", members, chain));
  }
}

} // namespace

void check_references(const Document &doc, Report &report) {
  dangling(doc, report);
  unaddressed_actions(doc, report);
  cycles(doc, report);
}

} // namespace detail
PM_END_NAMESPACE
