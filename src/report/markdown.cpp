// The Markdown writer (content.hpp).
#include "report/content.hpp"

PM_BEGIN_NAMESPACE
namespace detail {

std::string write_markdown(const Content &) { return {}; }

} // namespace detail
PM_END_NAMESPACE
