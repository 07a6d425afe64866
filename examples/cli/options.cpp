#include "options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

namespace pmcli {
namespace {

const OptionSpec *find_long(std::span<const OptionSpec> specs, std::string_view name) {
  for (const auto &s : specs)
    if (s.name == name) return &s;
  return nullptr;
}

const OptionSpec *find_short(std::span<const OptionSpec> specs, char c) {
  for (const auto &s : specs)
    if (s.short_name != 0 && s.short_name == c) return &s;
  return nullptr;
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions, so that
// "--fromat" is one edit from "--format". Inputs are option and command names (short), so the
// O(n*m) table is negligible.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::size_t> d((n + 1) * (m + 1));
  auto at = [m, &d](std::size_t i, std::size_t j) -> std::size_t & { return d[i * (m + 1) + j]; };
  for (std::size_t i = 0; i <= n; ++i) at(i, 0) = i;
  for (std::size_t j = 0; j <= m; ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
    }
  }
  return at(n, m);
}

std::string option_display(const OptionSpec &spec) { return fmt::format("--{}", spec.name); }

std::string suggestion_suffix(std::optional<std::string_view> s, std::string_view prefix = "") {
  return s ? fmt::format(" (did you mean '{}{}'?)", prefix, *s) : std::string{};
}

[[noreturn]] void unknown_option(std::string_view arg, std::string_view name,
                                 std::span<const OptionSpec> specs) {
  std::vector<std::string_view> names;
  for (const auto &s : specs) names.push_back(s.name);
  // "-format" (one dash) is a common slip for "--format": suggest on the name either way.
  std::string_view bare = name;
  while (!bare.empty() && bare.front() == '-') bare.remove_prefix(1);
  auto suggestion = closest(bare, names);
  throw UsageError(fmt::format("unknown option '{}'{}", arg, suggestion_suffix(suggestion, "--")));
}

std::string expected_value(const OptionSpec &spec) {
  if (spec.choices.empty()) return std::string(spec.metavar);
  return fmt::format("{}: {}", spec.metavar, quoted_list(spec.choices));
}

} // namespace

bool ParsedArgs::has(std::string_view name) const {
  return std::any_of(options.begin(), options.end(),
                     [name](const ParsedOption &o) { return o.spec->name == name; });
}

std::optional<std::string> ParsedArgs::value(std::string_view name) const {
  for (const auto &o : options)
    if (o.spec->name == name) return o.value;
  return std::nullopt;
}

std::vector<std::string> ParsedArgs::values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto &o : options)
    if (o.spec->name == name) out.push_back(o.value);
  return out;
}

ParsedArgs parse_options(std::span<const std::string> args, std::span<const OptionSpec> specs) {
  ParsedArgs out;
  bool options_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (options_ended || arg == "-" || arg.empty() || arg.front() != '-') {
      out.operands.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }

    const OptionSpec *spec = nullptr;
    std::optional<std::string> attached;
    std::string shown; // the option as the user should see it in messages
    if (arg.starts_with("--")) {
      std::string_view body = std::string_view(arg).substr(2);
      std::size_t eq = body.find('=');
      std::string_view name = body.substr(0, eq);
      if (eq != std::string_view::npos) attached = std::string(body.substr(eq + 1));
      spec = find_long(specs, name);
      if (!spec) unknown_option(fmt::format("--{}", name), name, specs);
      shown = option_display(*spec);
    } else {
      // Short options are single letters and are not bundled ("-h" only).
      if (arg.size() == 2) spec = find_short(specs, arg[1]);
      if (!spec) unknown_option(arg, std::string_view(arg).substr(1), specs);
      shown = arg;
    }

    if (!spec->repeatable && out.has(spec->name))
      throw UsageError(fmt::format("option '{}' given more than once; give it once", shown));

    if (spec->metavar.empty()) {
      if (attached)
        throw UsageError(fmt::format("option '{}' takes no value (got '{}')", shown, *attached));
      out.options.push_back({spec, {}});
      continue;
    }

    std::string value;
    if (attached) {
      value = std::move(*attached);
    } else if (i + 1 < args.size() && (args[i + 1] == "-" || !args[i + 1].starts_with("-"))) {
      value = args[++i];
    } else if (i + 1 < args.size()) {
      throw UsageError(fmt::format(
          "option '{}' needs a value ({}) but is followed by '{}'; to give a value that starts "
          "with '-', write '{}=VALUE'",
          shown, expected_value(*spec), args[i + 1], shown));
    } else {
      throw UsageError(fmt::format("option '{}' needs a value ({})", shown, expected_value(*spec)));
    }

    if (!spec->choices.empty() &&
        std::find(spec->choices.begin(), spec->choices.end(), value) == spec->choices.end()) {
      throw UsageError(fmt::format("invalid value '{}' for '{}'{}; expected {}", value, shown,
                                   suggestion_suffix(closest(value, spec->choices)),
                                   quoted_list(spec->choices)));
    }
    out.options.push_back({spec, std::move(value)});
  }
  return out;
}

bool wants_help(std::span<const std::string> args) {
  for (const auto &a : args) {
    if (a == "--") return false;
    if (a == "-h" || a == "--help") return true;
  }
  return false;
}

std::optional<std::string_view> closest(std::string_view typed,
                                        std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 0;
  for (auto c : candidates) {
    std::size_t d = edit_distance(typed, c);
    // Tolerate about one typo per three letters, at least one.
    std::size_t tolerance = std::max<std::size_t>(1, c.size() / 3);
    if (d <= tolerance && (!best || d < best_distance)) {
      best = c;
      best_distance = d;
    }
  }
  if (best) return best;
  // A unique prefix ("--fail" for "--fail-on") is worth suggesting too.
  std::optional<std::string_view> prefixed;
  for (auto c : candidates) {
    if (typed.size() >= 2 && c.starts_with(typed)) {
      if (prefixed) return std::nullopt;
      prefixed = c;
    }
  }
  return prefixed;
}

std::string render_options(std::span<const OptionSpec> specs) {
  auto left = [](const OptionSpec &s) {
    std::string text = s.short_name ? fmt::format("-{}, ", s.short_name) : std::string(4, ' ');
    text += fmt::format("--{}", s.name);
    if (!s.metavar.empty()) text += fmt::format(" {}", s.metavar);
    return text;
  };
  std::size_t width = 0;
  for (const auto &s : specs) width = std::max(width, left(s).size());
  width += 2;

  std::string out = "Options:\n";
  for (const auto &s : specs) {
    std::string_view help = s.help;
    bool first = true;
    while (true) {
      std::size_t nl = help.find('\n');
      std::string_view line = help.substr(0, nl);
      out += fmt::format("  {:<{}}{}\n", first ? left(s) : std::string{}, width, line);
      first = false;
      if (nl == std::string_view::npos) break;
      help.remove_prefix(nl + 1);
    }
  }
  return out;
}

std::string quoted_list(std::span<const std::string_view> items, std::string_view last_joiner) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += (i + 1 == items.size()) ? fmt::format(" {} ", last_joiner) : ", ";
    out += fmt::format("'{}'", items[i]);
  }
  return out;
}

} // namespace pmcli
