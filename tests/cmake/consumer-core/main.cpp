// Parses and validates a tiny document through the installed C++ library.
#include <postmortem/document.hpp>
#include <postmortem/validate.hpp>

#include <iostream>

int main() {
  try {
    auto doc = postmortem::parse(R"({"schema":"postmortem/1","incident":{"id":"INC-1"}})");
    auto findings = postmortem::validate(doc);
    std::cout << "core: " << findings.size() << " findings, " << postmortem::to_json(doc) << "\n";
    return findings.empty() ? 1 : 0; // the incident lacks its title: there must be findings
  } catch (const postmortem::error &e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
