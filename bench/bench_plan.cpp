// The remediation plan's ordering against networkx, on the same graph, in the same run.
//
//   pm_bench_plan [--actions 100000] [--reps 3] [--seed 42] [--python python3]
//
// It generates N open actions (fixed seed) whose ids are a shuffled numbering, each depending
// on 0–3 distinct random earlier actions (so the graph is acyclic), with priority scores of
// one decimal in 0–100 (many ties, broken by id). Then, best of --reps:
//   - postmortem::plan_with() on those priorities: the whole plan (order, cycle detection,
//     due dates, call-outs, critical path), not only the order;
//   - postmortem::plan() with the scoring's own priorities, for reference;
//   - networkx.lexicographical_topological_sort on the same graph (written to a file and
//     read by a python3 child), key = (-score, id), our tie rule; only the sort is timed,
//     inside Python, after the graph is built.
// The two orders are compared element by element: they must be identical.
#include <postmortem/plan.hpp>
#include <postmortem/score.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace pm = postmortem;
using clock_type = std::chrono::steady_clock;

struct Case {
  pm::Document doc;
  std::vector<pm::ActionPriority> priorities;
  std::size_t edges = 0;
};

Case generate(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::size_t> number(n);
  for (std::size_t i = 0; i < n; ++i) number[i] = i;
  std::shuffle(number.begin(), number.end(), rng);
  Case c;
  c.doc.actions.resize(n);
  c.priorities.resize(n);
  auto id = [&](std::size_t i) { return fmt::format("A{:07}", number[i]); };
  for (std::size_t i = 0; i < n; ++i) {
    pm::Action &a = c.doc.actions[i];
    a.id = id(i);
    a.title = "action";
    a.impact = static_cast<std::int64_t>(rng() % 5 + 1);
    a.effort = static_cast<std::int64_t>(rng() % 5 + 1);
    std::vector<std::size_t> deps;
    for (std::size_t k = i == 0 ? 0 : rng() % 4; k > 0; --k) deps.push_back(rng() % i);
    std::ranges::sort(deps);
    deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
    for (std::size_t d : deps) a.depends_on.push_back(id(d));
    c.edges += deps.size();
    pm::ActionPriority &p = c.priorities[i];
    p.action_index = i;
    p.score = static_cast<double>(rng() % 1001) / 10.0;
    p.tier = p.score >= 75 ? pm::PriorityTier::P1 : p.score >= 50 ? pm::PriorityTier::P2
             : p.score >= 25 ? pm::PriorityTier::P3 : pm::PriorityTier::P4;
  }
  return c;
}

// One line per action: "id score dep dep ...".
void write_graph(const Case &c, const std::string &path) {
  std::string text;
  for (std::size_t i = 0; i < c.doc.actions.size(); ++i) {
    const pm::Action &a = c.doc.actions[i];
    text += fmt::format("{} {:.1f}", *a.id, c.priorities[i].score);
    for (const auto &d : a.depends_on) text += ' ' + d;
    text += '\n';
  }
  std::ofstream(path, std::ios::binary) << text;
}

// Reads the graph, builds a DiGraph (dependency -> dependant), times the sort only (best of
// reps), prints "seconds" on the first line and writes the order to argv[3].
constexpr const char *python_script = R"PY(
import sys, time
try:
    import networkx as nx
except ImportError:
    print("no-networkx"); sys.exit(0)
path, reps, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
G = nx.DiGraph()
score = {}
with open(path) as f:
    for line in f:
        parts = line.split()
        node = parts[0]
        score[node] = float(parts[1])
        G.add_node(node)
        for dep in parts[2:]:
            G.add_edge(dep, node)
key = lambda n: (-score[n], n)
best, order = None, None
for _ in range(reps):
    order = None
    t = time.perf_counter()
    order = list(nx.lexicographical_topological_sort(G, key=key))
    t = time.perf_counter() - t
    best = t if best is None else min(best, t)
with open(out, "w") as f:
    f.write("\n".join(order))
print(best, nx.__version__)
)PY";

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

int main(int argc, char **argv) {
  std::size_t n = 100'000;
  int reps = 3;
  std::uint64_t seed = 42;
  std::string python = "python3";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--actions" && i + 1 < argc) n = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--reps" && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else if (a == "--seed" && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--python" && i + 1 < argc) python = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--actions N] [--reps R] [--seed S] [--python PYTHON]\n", argv[0]);
      return 2;
    }
  }

  const Case c = generate(n, seed);
  pm::Policy policy;
  policy.as_of = pm::Timestamp::parse("2024-06-01T00:00:00Z");

  // Each run's result is kept until the clock has stopped, so freeing it is not timed (as in
  // the Python child, which drops the previous order before starting the clock).
  pm::Plan plan;
  double ours = 1e300, full = 1e300;
  for (int r = 0; r < reps; ++r) {
    plan = {};
    auto start = clock_type::now();
    pm::Plan p = pm::plan_with(c.doc, c.priorities, policy);
    ours = std::min(ours, std::chrono::duration<double>(clock_type::now() - start).count());
    plan = std::move(p);
    start = clock_type::now();
    pm::Plan q = pm::plan(c.doc, policy);
    full = std::min(full, std::chrono::duration<double>(clock_type::now() - start).count());
  }
  if (plan.items.size() != n || !plan.cycles.empty()) {
    std::fprintf(stderr, "pm_bench_plan: the plan has %zu items and %zu cycles for %zu acyclic actions\n",
                 plan.items.size(), plan.cycles.size(), n);
    return 1;
  }

  const std::string stem = fmt::format("/tmp/pm_bench_plan_{}_{}", n, getpid());
  const std::string graph = stem + ".txt", script = stem + ".py", order_file = stem + ".order", result = stem + ".out";
  write_graph(c, graph);
  std::ofstream(script) << python_script;
  const std::string command = fmt::format("{} {} {} {} {} > {}", python, script, graph, reps, order_file, result);
  const int rc = std::system(command.c_str());
  const std::string output = read_file(result);
  double theirs = 0;
  std::string nx_version;
  bool have_networkx = false;
  if (rc == 0 && output.rfind("no-networkx", 0) != 0) {
    std::istringstream in(output);
    have_networkx = static_cast<bool>(in >> theirs >> nx_version);
  }

  std::printf("| actions | dependencies | plan_with (whole plan) | plan (with scoring) | networkx %s lexicographical_topological_sort | ratio (networkx / plan_with) | same order |\n",
              have_networkx ? nx_version.c_str() : "(absent)");
  std::printf("|---:|---:|---:|---:|---:|---:|---|\n");
  if (!have_networkx) {
    std::printf("| %zu | %zu | %.4f s | %.4f s | skipped: %s | - | - |\n", n, c.edges, ours, full,
                rc == 0 ? "no networkx module" : "python3 failed");
  } else {
    // Both orders, id by id.
    std::istringstream in(read_file(order_file));
    std::string line;
    std::size_t k = 0, mismatches = 0;
    while (std::getline(in, line)) {
      if (k >= plan.items.size() || *c.doc.actions[plan.items[k].action_index].id != line) ++mismatches;
      ++k;
    }
    const bool same = k == plan.items.size() && mismatches == 0;
    std::printf("| %zu | %zu | %.4f s | %.4f s | %.4f s | %.1fx | %s |\n", n, c.edges, ours, full, theirs, theirs / ours,
                same ? "yes" : "NO");
    if (!same) {
      std::fprintf(stderr, "pm_bench_plan: the orders differ (%zu of %zu positions)\n", mismatches, k);
      return 1;
    }
  }
  for (const auto &f : {graph, script, order_file, result}) std::remove(f.c_str());
  return 0;
}
