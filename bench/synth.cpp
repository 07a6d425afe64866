#include "synth.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>

namespace pm_bench {

namespace {

constexpr const char *event_types[] = {"attacker_activity", "attacker_activity", "attacker_activity", "alert",
                                       "analysis", "triage", "containment", "communication"};
constexpr const char *sources[] = {"EDR", "SIEM", "firewall", "proxy", "email gateway", "Entra ID sign-in log"};
constexpr const char *verbs[] = {"Process started", "Outbound connection", "File written", "Logon succeeded",
                                 "Registry key modified", "Scheduled task created", "DNS query"};

std::string iso(std::int64_t seconds) {
  // 2024-01-01T00:00:00Z is 1704067200 s after the epoch.
  std::int64_t t = 1704067200 + seconds;
  std::int64_t days = t / 86400, rem = t % 86400;
  // civil_from_days (Hinnant) for the date part.
  std::int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  std::int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, rem / 3600, rem / 60 % 60, rem % 60);
}

// One synthetic Timesketch event; the same sequence for a given seed whatever the format.
struct SketchRow {
  std::string message, datetime, desc, data_type, hostname, username;
  std::int64_t micros;
};

template <class Fn> void sketch_rows(std::size_t rows, std::uint64_t seed, Fn &&emit) {
  std::mt19937_64 rng(seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  constexpr const char *descs[] = {"Event Recorded", "Content Modification Time", "Creation Time", "Last Access Time"};
  constexpr const char *types[] = {"windows:evtx:record", "fs:stat", "syslog:line", "windows:prefetch:execution"};
  std::int64_t t = 0;
  SketchRow row;
  for (std::size_t i = 0; i < rows; ++i) {
    t += 1 + static_cast<std::int64_t>(pick(10));
    std::int64_t frac = static_cast<std::int64_t>(pick(1000000));
    row.micros = (1704067200 + t) * 1000000 + frac;
    std::string when = iso(t);
    row.datetime = fmt::format("{}.{:06}+00:00", when.substr(0, 19), frac);
    row.message = i % 8 == 0
                      ? fmt::format(R"({} on host-{:03}: "cmd.exe /c whoami, net user" by svc_{} (pid {}))",
                                    verbs[pick(std::size(verbs))], pick(50), pick(1000), pick(65536))
                      : fmt::format("{} on host-{:03} by svc_{} (pid {})", verbs[pick(std::size(verbs))], pick(50),
                                    pick(1000), pick(65536));
    row.desc = descs[pick(std::size(descs))];
    row.data_type = types[pick(std::size(types))];
    row.hostname = fmt::format("host-{:03}.corp.example", pick(50));
    row.username = fmt::format("CORP\\svc_{}", pick(1000));
    emit(row);
  }
}

std::string csv_quote(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string json_quote(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

} // namespace

std::string synthetic_timesketch_csv(std::size_t rows, std::uint64_t seed) {
  std::string out = "\"message\",\"datetime\",\"timestamp_desc\",\"timestamp\",\"data_type\",\"hostname\",\"username\"\n";
  out.reserve(rows * 210 + 128);
  sketch_rows(rows, seed, [&](const SketchRow &r) {
    out += fmt::format("{},{},{},\"{}\",{},{},{}\n", csv_quote(r.message), csv_quote(r.datetime), csv_quote(r.desc),
                       r.micros, csv_quote(r.data_type), csv_quote(r.hostname), csv_quote(r.username));
  });
  return out;
}

std::string synthetic_timesketch_jsonl(std::size_t rows, std::uint64_t seed) {
  std::string out;
  out.reserve(rows * 230);
  sketch_rows(rows, seed, [&](const SketchRow &r) {
    out += fmt::format(R"({{"message":{},"datetime":{},"timestamp_desc":{},"timestamp":{},"data_type":{},"hostname":{},"username":{}}})",
                       json_quote(r.message), json_quote(r.datetime), json_quote(r.desc), r.micros,
                       json_quote(r.data_type), json_quote(r.hostname), json_quote(r.username));
    out += '\n';
  });
  return out;
}

std::string synthetic_document(std::size_t events, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::string out;
  out.reserve(events * 260 + 4096);
  out += R"J({"schema":"postmortem/1","incident":{"id":"INC-BENCH-1","title":"Synthetic intrusion for benchmarks",)J"
         R"J("category":"network_breach","status":"closed","declared_severity":"high",)J"
         R"J("impact":{"confidentiality":"high","integrity":"low","availability":"none","records_affected":120000,"data_types":["pii"]}},)J";
  out += R"J("assets":[)J";
  for (int i = 0; i < 50; ++i)
    out += fmt::format(R"J({}{{"id":"a{}","name":"host-{:03}.corp.example","type":"server","criticality":"high"}})J", i ? "," : "", i, i);
  out += R"J(],"timeline":[)J";
  std::int64_t t = 0;
  for (std::size_t i = 0; i < events; ++i) {
    t += 1 + static_cast<std::int64_t>(pick(10)); // 1M events span about 64 days
    out += fmt::format(R"J({}{{"id":"e{}","time":"{}","type":"{}","description":"{} on host-{:03} by svc_{} (pid {})","source":"{}","asset_ids":["a{}"]{}}})J",
                       i ? "," : "", i, iso(t), event_types[pick(std::size(event_types))], verbs[pick(std::size(verbs))],
                       pick(50), pick(1000), pick(65536), sources[pick(std::size(sources))], pick(50),
                       i % 10 == 0 ? R"J(,"technique":"T1059.001","tactic":"execution")J" : "");
  }
  out += R"J(],"evidence":[)J";
  for (int i = 0; i < 20; ++i)
    out += fmt::format(R"J({}{{"id":"ev{}","type":"log","description":"Log export {}","sha256":"{:064x}",)J"
                       R"J("custody":[{{"time":"{}","action":"collected","by":"IR analyst"}}]}})J",
                       i ? "," : "", i, i, i + 1, iso(t + 60));
  std::size_t n = std::max<std::size_t>(3, events / 100);
  out += R"J(],"factors":[)J";
  for (std::size_t i = 0; i < n; ++i)
    out += fmt::format(R"J({}{{"id":"f{}","kind":"{}","category":"{}","title":"Factor {}","why":["a","b","c"],"event_ids":["e{}"]}})J",
                       i ? "," : "", i, i == 0 ? "root_cause" : "contributing", i % 3 == 0 ? "human" : "technical", i,
                       pick(events ? events : 1));
  out += R"J(],"actions":[)J";
  for (std::size_t i = 0; i < n; ++i)
    out += fmt::format(R"J({}{{"id":"act{}","title":"Action {}","type":"prevent","addresses":["f{}"],"owner":"team {}",)J"
                       R"J("due":"2024-{:02}-15","status":"planned","impact":{},"effort":{},"success_criteria":"Measured by control test {}"{}}})J",
                       i ? "," : "", i, i, i, i % 7, 7 + i % 6, 1 + pick(5), 1 + pick(5), i,
                       i > 0 ? fmt::format(R"J(,"depends_on":["act{}"])J", pick(i)) : "");
  out += R"J(],"lessons":[{"id":"l1","kind":"learned","text":"Synthetic"}],)J"
         R"J("participants":[{"name":"A","team":"SOC"},{"name":"B","team":"IT"}],)J"
         R"J("review":{"status":"reviewed","held_at":"2024-03-01T10:00:00Z"}})J";
  return out;
}

} // namespace pm_bench
