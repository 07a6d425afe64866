// The SVG charts of the HTML report (content.hpp).
#include "report/content.hpp"

PM_BEGIN_NAMESPACE
namespace detail {

std::string timeline_svg(const Document &, const Analysis &, const Policy &) { return {}; }
std::string plan_svg(const Document &, const Analysis &, const Policy &) { return {}; }

} // namespace detail
PM_END_NAMESPACE
