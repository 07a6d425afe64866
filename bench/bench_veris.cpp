// Importing a directory of VERIS incidents, against Boost.JSON parsing the same files.
//
//   pm_bench_veris [--files 10000] [--reps 3] [--seed 7] [--dir DIR]
//
// It writes --files synthetic VERIS 1.4.1 incidents (fixed seed; varied actions, actors,
// assets, attributes, timelines and impacts, 1.5–3 KB each, as the VERIS community database's
// records are) into a fresh directory, then times, best of --reps, in the same run:
//   - baseline: reading every file and boost::json::parse of its bytes;
//   - postmortem::import_veris() of every file (read + parse + map to postmortem/1);
//   - the same plus postmortem::to_json() of each document (what `postmortem import --from
//     veris` writes).
// It prints files/second for each and the ratios to the baseline.
#include <postmortem/interop.hpp>

#include "common.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace {

namespace pm = postmortem;
namespace fs = std::filesystem;
namespace json = boost::json;

template <class T, std::size_t N> const T &pick(std::mt19937_64 &rng, const std::array<T, N> &a) { return a[rng() % N]; }

std::string uuid(std::mt19937_64 &rng) {
  const std::uint64_t a = rng(), b = rng();
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                     0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffull);
}

// One VERIS incident: the members the importer maps, with values from the VERIS enumerations.
json::object incident(std::mt19937_64 &rng, std::size_t n) {
  static constexpr std::array<const char *, 5> categories = {"hacking", "malware", "social", "misuse", "error"};
  static constexpr std::array<const char *, 4> hacking = {"Use of stolen creds", "Exploit vuln", "Brute force", "SQLi"};
  static constexpr std::array<const char *, 4> malware = {"Ransomware", "Backdoor", "Export data", "Downloader"};
  static constexpr std::array<const char *, 3> social = {"Phishing", "Pretexting", "Bribery"};
  static constexpr std::array<const char *, 4> units = {"Minutes", "Hours", "Days", "Weeks"};
  static constexpr std::array<const char *, 4> assets = {"S - Web application", "S - Mail", "U - Laptop", "S - Database"};
  static constexpr std::array<const char *, 4> data = {"Personal", "Credentials", "Internal", "Payment"};
  static constexpr std::array<const char *, 5> ratings = {"Insignificant", "Distracting", "Painful", "Damaging",
                                                          "Catastrophic"};
  json::object o;
  o["schema_version"] = "1.4.1";
  o["incident_id"] = uuid(rng);
  o["security_incident"] = (n % 17 == 0) ? "Suspected" : "Confirmed";
  o["confidence"] = "High";
  o["summary"] = fmt::format("Synthetic incident {}: an attacker used {} against the organization; the team "
                             "contained it and recovered the affected systems.",
                             n, pick(rng, categories));
  const std::string category = pick(rng, categories);
  json::object variety;
  if (category == "hacking") variety["variety"] = json::array{pick(rng, hacking)}, variety["vector"] = json::array{"Web application"};
  else if (category == "malware") variety["variety"] = json::array{pick(rng, malware)}, variety["vector"] = json::array{"Email attachment"};
  else if (category == "social") variety["variety"] = json::array{pick(rng, social)}, variety["vector"] = json::array{"Email"}, variety["target"] = json::array{"End-user"};
  else if (category == "misuse") variety["variety"] = json::array{"Privilege abuse"}, variety["vector"] = json::array{"LAN access"};
  else variety["variety"] = json::array{"Misdelivery"}, variety["vector"] = json::array{"Carelessness"};
  o["action"] = json::object{{category, std::move(variety)}};
  o["actor"] = category == "error" || category == "misuse"
                   ? json::object{{"internal", json::object{{"variety", json::array{"End-user"}}, {"motive", json::array{"Convenience"}}}}}
                   : json::object{{"external", json::object{{"variety", json::array{"Organized crime"}},
                                                            {"motive", json::array{"Financial"}},
                                                            {"country", json::array{"Unknown"}}}}};
  json::array asset_list;
  for (std::size_t k = rng() % 3 + 1; k > 0; --k) asset_list.push_back(json::object{{"variety", pick(rng, assets)}, {"amount", rng() % 5 + 1}});
  o["asset"] = json::object{{"assets", std::move(asset_list)}, {"cloud", json::array{"Unknown"}}};
  o["attribute"] = json::object{
      {"confidentiality",
       json::object{{"data_disclosure", "Yes"},
                    {"data", json::array{json::object{{"variety", pick(rng, data)}, {"amount", rng() % 100000}}}},
                    {"data_victim", json::array{"Customer"}}}},
      {"integrity", json::object{{"variety", json::array{"Software installation"}}}}};
  o["discovery_method"] = json::object{{"external", json::object{{"variety", json::array{"Customer"}}}}};
  o["timeline"] = json::object{
      {"incident", json::object{{"year", 2015 + rng() % 10}, {"month", rng() % 12 + 1}, {"day", rng() % 28 + 1}}},
      {"discovery", json::object{{"unit", pick(rng, units)}, {"value", rng() % 30 + 1}}},
      {"containment", json::object{{"unit", pick(rng, units)}, {"value", rng() % 10 + 1}}}};
  o["impact"] = json::object{{"overall_rating", pick(rng, ratings)},
                             {"loss", json::array{json::object{{"variety", "Response and recovery"},
                                                               {"amount", static_cast<double>(rng() % 500000)}}}},
                             {"iso_currency_code", "USD"}};
  o["victim"] = json::object{{"employee_count", "1001 to 10000"}, {"industry", "522110"}, {"country", json::array{"US"}}};
  o["control_failure"] = "Multi-factor authentication was not enforced on the exposed service";
  o["corrective_action"] = "Enforce phishing-resistant MFA on every internet-facing login";
  o["cost_corrective_action"] = (n % 3 == 0) ? "Simple and cheap" : "Something in-between";
  o["plus"] = json::object{{"analysis_status", "Finalized"}, {"created", "2024-06-01T00:00:00Z"}, {"master_id", uuid(rng)}};
  return o;
}

} // namespace

int main(int argc, char **argv) {
  std::size_t files = 10'000;
  int reps = 3;
  std::uint64_t seed = 7;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--files" && i + 1 < argc) files = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--reps" && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else if (a == "--seed" && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--files N] [--reps R] [--seed S] [--dir DIR]\n", argv[0]);
      return 2;
    }
  }
  if (dir.empty()) dir = fmt::format("/tmp/pm_bench_veris_{}", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::mt19937_64 rng(seed);
  std::size_t bytes = 0;
  for (std::size_t n = 0; n < files; ++n) {
    const std::string text = json::serialize(incident(rng, n));
    bytes += text.size();
    pm_bench::write_file(fmt::format("{}/{:05}.json", dir, n), text);
  }
  std::vector<std::string> paths;
  for (const auto &entry : fs::directory_iterator(dir)) paths.push_back(entry.path().string());
  std::ranges::sort(paths);

  double parse_best = 1e300, import_best = 1e300, write_best = 1e300;
  std::size_t failures = 0, written = 0;
  for (int r = 0; r < reps; ++r) {
    parse_best = std::min(parse_best, pm_bench::seconds([&] {
      for (const auto &p : paths) {
        json::value v = json::parse(pm_bench::slurp(p));
        if (!v.is_object()) std::abort();
      }
    }));
    import_best = std::min(import_best, pm_bench::seconds([&] {
      failures = 0;
      for (const auto &p : paths) {
        try {
          const pm::Document doc = pm::import_veris(pm_bench::slurp(p));
          if (!doc.incident) ++failures;
        } catch (const pm::error &) {
          ++failures;
        }
      }
    }));
    write_best = std::min(write_best, pm_bench::seconds([&] {
      for (const auto &p : paths) {
        try {
          written += pm::to_json(pm::import_veris(pm_bench::slurp(p))).size();
        } catch (const pm::error &) {
        }
      }
    }));
  }
  fs::remove_all(dir);
  if (failures != 0) {
    std::fprintf(stderr, "pm_bench_veris: %zu of %zu files did not import\n", failures, files);
    return 1;
  }
  const double n = static_cast<double>(files);
  std::printf("(%zu bytes of postmortem/1 written per rep)\n\n", written / static_cast<std::size_t>(reps));
  std::printf("| files | MB | read + boost::json::parse | import_veris | import_veris + to_json | import / parse |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|\n");
  std::printf("| %zu | %.1f | %.0f files/s | %.0f files/s | %.0f files/s | %.2fx |\n", files,
              static_cast<double>(bytes) / 1e6, n / parse_best, n / import_best, n / write_best,
              import_best / parse_best);
  return 0;
}
