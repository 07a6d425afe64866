#include "validate/report.hpp"

#include "document/fields.hpp"

#include <fmt/format.h>

#include <algorithm>

PM_BEGIN_NAMESPACE
namespace detail {

IdIndex::IdIndex(const Document &doc, std::string_view collection)
    : doc_(doc), collection_(type_info<Document>().find(collection)), id_(collection_->nested->find("id")) {
  const std::size_t n = collection_->size(&doc);
  entries_.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    if (const std::string *s = id_->text(collection_->at(&doc, i))) entries_.emplace_back(std::hash<std::string_view>{}(*s), i);
  std::ranges::sort(entries_);
}

std::string_view IdIndex::id(std::size_t index) const { return *id_->text(collection_->at(&doc_, index)); }

std::optional<std::size_t> IdIndex::find(std::string_view id) const {
  const std::uint64_t h = std::hash<std::string_view>{}(id);
  auto it = std::ranges::lower_bound(entries_, std::pair<std::uint64_t, std::size_t>{h, 0});
  for (; it != entries_.end() && it->first == h; ++it)
    if (this->id(it->second) == id) return it->second;
  return std::nullopt;
}

const IdIndex &Report::ids(const Document &doc, std::string_view collection) {
  auto it = ids_.find(collection);
  if (it == ids_.end()) it = ids_.emplace(collection, IdIndex(doc, collection)).first;
  return it->second;
}

const Lifecycle &Report::lifecycle(const Document &doc) {
  if (!lifecycle_) lifecycle_ = resolve_lifecycle(doc);
  return *lifecycle_;
}

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
