// PM701–PM703: the review itself.
#include "validate/report.hpp"

#include "text.hpp"

#include <fmt/format.h>

#include <algorithm>

PM_BEGIN_NAMESPACE
namespace detail {

void check_review(const Document &doc, Report &report) {
  const Review *review = doc.review ? &*doc.review : nullptr;
  if (doc.incident && doc.incident->status == IncidentStatus::closed && (!review || !review->held_at))
    report.add("PM701", review ? "/review/held_at" : "/review",
               review ? "the incident is closed but review.held_at is not recorded"
                      : "the incident is closed but no review is recorded");
  auto open = std::ranges::count_if(doc.actions, is_open);
  if (open > 0 && (!review || !review->next_review))
    report.add("PM702", "/review/next_review",
               fmt::format("{} action{} still open, but no next review is scheduled", open, open == 1 ? " is" : "s are"));
  if (review)
    for (std::size_t i = 0; i < review->questions.size(); ++i) {
      const auto &q = review->questions[i];
      if (!q.answer || is_blank(*q.answer))
        report.add("PM703", fmt::format("/review/questions/{}/answer", i),
                   fmt::format("review question {} is unanswered: \"{}\"", i + 1, abbreviate(q.question.value_or(""), 80)));
    }
}

} // namespace detail
PM_END_NAMESPACE
