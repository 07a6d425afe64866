// What the report says (content.hpp): sections, tables and words, format-neutral.
#include "report/content.hpp"

PM_BEGIN_NAMESPACE
namespace detail {

Summary executive_summary(const Document &, const Analysis &, const Policy &) { return {}; }

Content build_content(const Document &, const Analysis &, const Policy &) { return {}; }

} // namespace detail
PM_END_NAMESPACE
