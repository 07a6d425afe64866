// Directed-graph algorithms shared by validation (PM203) and the plan (internal).
#ifndef POSTMORTEM_SRC_GRAPH_HPP
#define POSTMORTEM_SRC_GRAPH_HPP

#include <postmortem/detail/enum.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

PM_BEGIN_NAMESPACE
namespace detail {

/// A directed graph in compressed sparse row form: the edges of node v go to
/// targets[offsets[v] .. offsets[v + 1]). Two allocations however many nodes.
struct Csr {
  std::vector<std::uint32_t> offsets{0};
  std::vector<std::uint32_t> targets;

  std::size_t size() const noexcept { return offsets.size() - 1; }
  std::span<const std::uint32_t> operator[](std::size_t v) const noexcept {
    return {targets.data() + offsets[v], targets.data() + offsets[v + 1]};
  }
};

/// Builds a graph of `nodes` nodes from (from, to) pairs; each node keeps its edges in the
/// order given. O(V + E). @throws error errc::limit beyond 2^32 - 1 nodes or edges.
Csr make_csr(std::size_t nodes, std::span<const std::pair<std::uint32_t, std::uint32_t>> edges);

/// The strongly connected components of a graph.
struct Components {
  std::vector<std::uint32_t> of;   ///< the component of each node
  std::vector<std::uint32_t> size; ///< the number of nodes of each component
};

/**
 * Tarjan's algorithm, iteratively (no recursion, so no depth limit on long chains).
 * Components are numbered in the order Tarjan completes them (a reverse topological order of
 * the condensation). O(V + E) time and memory.
 */
Components strongly_connected(const Csr &graph);

/// The components of two or more nodes (the cycles), each ascending, ordered by their
/// smallest node. O(V).
std::vector<std::vector<std::size_t>> cycles_of(const Components &components);

} // namespace detail
PM_END_NAMESPACE

#endif
