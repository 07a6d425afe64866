// libFuzzer target: VERIS import and the exports on arbitrary bytes. The input is read as a
// VERIS incident; whatever imports is exported to VERIS and to STIX, redacted and not, and the
// VERIS export is imported again. Properties checked (a failure aborts, which the fuzzer
// reports as a crash):
//   - nothing but postmortem::error escapes import_veris();
//   - a document that imports serializes to postmortem/1 JSON that parses back to the same JSON;
//   - every export of it succeeds, twice with the same bytes, and is JSON;
//   - the VERIS export imports again.
#include <postmortem/interop.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

void check_export(const postmortem::Document &doc, postmortem::ExportFormat format,
                  const postmortem::ExportOptions &options) {
  const std::string a = postmortem::export_document(doc, format, options);
  require(a == postmortem::export_document(doc, format, options));
  boost::json::error_code ec;
  (void)boost::json::parse(a, ec);
  require(!ec);
  if (format == postmortem::ExportFormat::veris) (void)postmortem::import_veris(a);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char *>(data), size);
  postmortem::Document doc;
  try {
    doc = postmortem::import_veris(text);
  } catch (const postmortem::error &) {
    return 0;
  }
  const std::string json = postmortem::to_json(doc);
  require(postmortem::to_json(postmortem::parse(json)) == json); // lossless, like any document
  postmortem::ExportOptions redact;
  redact.redact = true;
  for (postmortem::ExportFormat f : {postmortem::ExportFormat::veris, postmortem::ExportFormat::stix}) {
    check_export(doc, f, {});
    check_export(doc, f, redact);
  }
  return 0;
}
