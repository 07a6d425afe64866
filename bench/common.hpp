// Helpers shared by the benchmark programs: timing, the --sizes list, files, and the
// child process that measures peak memory (a program re-executes itself with
// `--memory MODE PATH` and prints numbers on one line).
#ifndef POSTMORTEM_BENCH_COMMON_HPP
#define POSTMORTEM_BENCH_COMMON_HPP

#include <fmt/format.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace pm_bench {

/// Wall-clock seconds that `fn` takes.
inline double seconds(const std::function<void()> &fn) {
  using clock_type = std::chrono::steady_clock;
  auto start = clock_type::now();
  fn();
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

/// "10000,100000" -> {10000, 100000}.
inline std::vector<std::size_t> parse_sizes(const std::string &list) {
  std::vector<std::size_t> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(std::stoul(item));
  return out;
}

inline std::string slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::string text(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

inline void write_file(const std::string &path, const std::string &text) {
  std::ofstream(path, std::ios::binary) << text;
}

/// Runs `self --memory MODE PATH` and returns the `count` integers it prints; -1 for each
/// one it did not print.
inline std::vector<long> memory_child_output(const char *self, const std::string &mode, const std::string &path,
                                             std::size_t count) {
  std::vector<long> values(count, -1);
  std::string cmd = fmt::format("'{}' --memory {} '{}'", self, mode, path);
  if (FILE *p = popen(cmd.c_str(), "r")) {
    for (long &v : values)
      if (std::fscanf(p, "%ld", &v) != 1) {
        v = -1;
        break;
      }
    pclose(p);
  }
  return values;
}

} // namespace pm_bench

#endif
