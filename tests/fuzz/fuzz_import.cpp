// libFuzzer target: the timeline importers on arbitrary bytes. The first input byte picks
// the format (Timesketch CSV/JSONL, Plaso l2tcsv/dynamic) and whether the input is fed in
// one piece or in small chunks; the rest is the file. Properties checked (a failure aborts,
// which the fuzzer reports as a crash):
//   - nothing but postmortem::error escapes the importer;
//   - feeding the same bytes whole or in 7-byte chunks gives the same events and report
//     (the streaming reader keeps no state it should not);
//   - the report adds up: rows = imported + skipped + duplicates;
//   - the document with the imported events serializes to JSON that parses again.
#include <postmortem/import.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

struct Outcome {
  bool failed = false;
  std::string json;
  postmortem::ImportReport report{};
};

Outcome run(postmortem::ImportFormat format, std::string_view data, std::size_t chunk) {
  Outcome out;
  postmortem::Document doc = postmortem::new_timeline_document(format);
  try {
    postmortem::Importer importer(doc, format);
    if (chunk == 0) {
      importer.feed(data);
    } else {
      for (std::size_t i = 0; i < data.size(); i += chunk) importer.feed(data.substr(i, chunk));
    }
    out.report = importer.finish();
  } catch (const postmortem::error &) {
    out.failed = true;
    return out;
  }
  out.json = postmortem::to_json(doc);
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size == 0) return 0;
  auto format = static_cast<postmortem::ImportFormat>(data[0] % 4);
  std::string_view text(reinterpret_cast<const char *>(data + 1), size - 1);
  Outcome whole = run(format, text, 0);
  Outcome chunked = run(format, text, 7);
  if (whole.failed != chunked.failed) std::abort();
  if (whole.failed) return 0;
  if (whole.json != chunked.json) std::abort();
  const auto &r = whole.report;
  if (r.rows != r.imported + r.skipped + r.duplicates) std::abort();
  if (r.imported != chunked.report.imported || r.skipped != chunked.report.skipped) std::abort();
  try {
    (void)postmortem::parse(whole.json);
  } catch (const postmortem::error &) {
    std::abort();
  }
  return 0;
}
