// libFuzzer target: parse -> validate -> serialize -> parse again, on arbitrary bytes.
// Properties checked (a failure aborts, which the fuzzer reports as a crash):
//   - nothing but postmortem::error escapes parse();
//   - a document that parsed serializes to JSON that parses again, to the same document
//     text (serialization is a fixed point after one round);
//   - validate() never throws on a parsed document.
#include <postmortem/validate.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  postmortem::Policy policy;
  policy.limits.max_depth = 32;
  policy.limits.max_string_bytes = 1 << 16;
  policy.as_of = postmortem::Timestamp::parse("2024-06-01T00:00:00Z");
  std::string_view text(reinterpret_cast<const char *>(data), size);
  postmortem::Document doc;
  try {
    doc = postmortem::parse(text, policy);
  } catch (const postmortem::error &) {
    return 0;
  }
  auto findings = postmortem::validate(doc, policy);
  (void)findings;
  std::string once = postmortem::to_json(doc);
  postmortem::Document again;
  try {
    again = postmortem::parse(once, policy);
  } catch (const postmortem::error &) {
    std::abort(); // what we wrote must read back
  }
  if (postmortem::to_json(again) != once) std::abort();
  (void)postmortem::to_json(again, {.pretty = true});
  return 0;
}
