// PM201–PM204: references between collections, and the action dependency graph.
#include "validate/report.hpp"

#include "document/fields.hpp"
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

// PM203: Tarjan's strongly connected components, iteratively (no recursion depth limit).
// Every component of two or more actions is one cycle finding at /actions.
void cycles(const Document &doc, Report &report) {
  const auto &actions = doc.actions;
  const IdIndex &index = report.ids(doc, "actions");
  const std::size_t n = actions.size();
  std::vector<std::vector<std::size_t>> edges(n);
  for (std::size_t i = 0; i < n; ++i)
    for (const auto &dep : actions[i].depends_on)
      if (auto j = index.find(dep); j && *j != i) edges[i].push_back(*j);

  constexpr std::size_t unvisited = SIZE_MAX;
  std::vector<std::size_t> order(n, unvisited), low(n, 0), stack;
  std::vector<bool> on_stack(n, false);
  std::vector<std::vector<std::size_t>> components;
  std::size_t counter = 0;
  for (std::size_t root = 0; root < n; ++root) {
    if (order[root] != unvisited) continue;
    std::vector<std::pair<std::size_t, std::size_t>> work{{root, 0}}; // (node, next edge)
    while (!work.empty()) {
      auto &[v, e] = work.back();
      if (e == 0 && order[v] == unvisited) {
        order[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack[v] = true;
      }
      if (e < edges[v].size()) {
        std::size_t w = edges[v][e++];
        if (order[w] == unvisited) work.emplace_back(w, 0);
        else if (on_stack[w]) low[v] = std::min(low[v], order[w]);
        continue;
      }
      if (low[v] == order[v]) {
        std::vector<std::size_t> component;
        std::size_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component.push_back(w);
        } while (w != v);
        if (component.size() > 1) components.push_back(std::move(component));
      }
      std::size_t done = v;
      work.pop_back();
      if (!work.empty()) low[work.back().first] = std::min(low[work.back().first], low[done]);
    }
  }
  std::ranges::sort(components, {}, [](const auto &c) { return *std::ranges::min_element(c); });
  for (auto &component : components) {
    // Walk one actual cycle through the component, from its first action in document order.
    std::ranges::sort(component);
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
