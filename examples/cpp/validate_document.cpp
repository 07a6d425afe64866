// Validates a post-mortem document with the C++ API and prints its findings.
//
//   postmortem_example_cpp tests/data/examples/phishing-mfa-fatigue.json
//
// Build: link postmortem::core (find_package(postmortem) when installed).
#include <postmortem/document.hpp>
#include <postmortem/validate.hpp>

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace pm = postmortem;

// Documents are partly written by attackers: never send their text raw to a terminal. This
// keeps the example short; the postmortem CLI also escapes bidi overrides and invalid UTF-8.
static std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  return out;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: postmortem_example_cpp FILE\n";
    return 2;
  }

  // One policy for everything: a fixed "now" makes the results reproducible.
  pm::Policy policy;
  policy.as_of = pm::Timestamp::parse("2024-06-01T00:00:00Z");

  try {
    const pm::Document doc = pm::load(argv[1], policy);
    const std::vector<pm::Finding> findings = pm::validate(doc, policy);

    const std::string id = doc.incident && doc.incident->id ? *doc.incident->id : "(no id)";
    std::cout << printable(id) << ": " << findings.size()
              << (findings.size() == 1 ? " finding\n" : " findings\n");
    for (const pm::Finding &f : findings) {
      std::cout << "  " << pm::to_string(f.severity) << ' ' << f.code << ' '
                << (f.path.empty() ? "(document)" : printable(f.path)) << ": "
                << printable(f.message) << '\n';
    }
    return 0;
  } catch (const pm::error &e) {
    // errc::io (unreadable), errc::parse (not JSON), errc::version, errc::limit.
    std::cerr << "cannot check " << printable(argv[1]) << ": " << pm::errc_name(e.code()) << ": "
              << printable(e.what()) << '\n';
    return 1;
  }
}
