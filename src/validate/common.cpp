#include "validate/report.hpp"

#include <fmt/format.h>

PM_BEGIN_NAMESPACE
namespace detail {

std::string pointer(std::string_view collection, std::size_t index, std::string_view member) {
  return member.empty() ? fmt::format("/{}/{}", collection, index) : fmt::format("/{}/{}/{}", collection, index, member);
}

std::string now_phrase(const Policy &policy) {
  return policy.as_of ? fmt::format("as_of {}", policy.as_of->to_string())
                      : fmt::format("the current time {} (the policy sets no as_of)",
                                    Timestamp::from_micros(policy.now_micros() / 1000000 * 1000000).to_string());
}

bool is_open(const Action &a) noexcept {
  auto s = a.status.value_or(ActionStatus::proposed);
  return s != ActionStatus::done && s != ActionStatus::verified && s != ActionStatus::rejected;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

} // namespace detail
PM_END_NAMESPACE
