// Strongly connected components (Tarjan), shared by PM203 and the plan.
#include "graph.hpp"

#include <postmortem/error.hpp>

#include <algorithm>
#include <limits>

PM_BEGIN_NAMESPACE
namespace detail {

Csr make_csr(std::size_t nodes, std::span<const std::pair<std::uint32_t, std::uint32_t>> edges) {
  constexpr std::size_t max = std::numeric_limits<std::uint32_t>::max() - 1;
  if (nodes > max || edges.size() > max)
    throw error(errc::limit, "graph: more than 2^32 - 2 nodes or edges");
  Csr g;
  g.offsets.assign(nodes + 1, 0);
  for (const auto &e : edges) ++g.offsets[e.first + 1];
  for (std::size_t v = 0; v < nodes; ++v) g.offsets[v + 1] += g.offsets[v];
  g.targets.resize(edges.size());
  std::vector<std::uint32_t> next(g.offsets.begin(), g.offsets.end() - 1);
  for (const auto &e : edges) g.targets[next[e.first]++] = e.second;
  return g;
}

Components strongly_connected(const Csr &graph) {
  const std::size_t n = graph.size();
  constexpr std::uint32_t unvisited = std::numeric_limits<std::uint32_t>::max();
  Components out;
  out.of.assign(n, unvisited);
  std::vector<std::uint32_t> order(n, unvisited), low(n, 0), stack;
  std::vector<std::uint8_t> on_stack(n, 0);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> work; // (node, next edge offset)
  std::uint32_t counter = 0;
  for (std::uint32_t root = 0; root < n; ++root) {
    if (order[root] != unvisited) continue;
    work.emplace_back(root, graph.offsets[root]);
    while (!work.empty()) {
      auto &[v, e] = work.back();
      if (order[v] == unvisited) {
        order[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack[v] = 1;
      }
      if (e < graph.offsets[v + 1]) {
        const std::uint32_t w = graph.targets[e++];
        if (order[w] == unvisited) work.emplace_back(w, graph.offsets[w]);
        else if (on_stack[w]) low[v] = std::min(low[v], order[w]);
        continue;
      }
      if (low[v] == order[v]) {
        const auto id = static_cast<std::uint32_t>(out.size.size());
        std::uint32_t count = 0, w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = 0;
          out.of[w] = id;
          ++count;
        } while (w != v);
        out.size.push_back(count);
      }
      const std::uint32_t done = v;
      work.pop_back();
      if (!work.empty()) low[work.back().first] = std::min(low[work.back().first], low[done]);
    }
  }
  return out;
}

std::vector<std::vector<std::size_t>> cycles_of(const Components &components) {
  // Numbered by their smallest node, met first in this ascending scan.
  constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> slot(components.size.size(), none);
  std::vector<std::vector<std::size_t>> out;
  for (std::size_t v = 0; v < components.of.size(); ++v) {
    const std::uint32_t c = components.of[v];
    if (components.size[c] < 2) continue;
    if (slot[c] == none) {
      slot[c] = static_cast<std::uint32_t>(out.size());
      out.emplace_back().reserve(components.size[c]);
    }
    out[slot[c]].push_back(v);
  }
  return out;
}

} // namespace detail
PM_END_NAMESPACE
