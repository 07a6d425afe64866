// The HTML writer (content.hpp).
#include "report/content.hpp"

PM_BEGIN_NAMESPACE
namespace detail {

std::string write_html(const Content &, const Document &, const Analysis &, const Policy &) { return {}; }

} // namespace detail
PM_END_NAMESPACE
