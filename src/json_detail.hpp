// What the parsers of JSON text share (internal): one wording for JSON that does not parse.
#ifndef POSTMORTEM_SRC_JSON_DETAIL_HPP
#define POSTMORTEM_SRC_JSON_DETAIL_HPP

#include <postmortem/detail/enum.hpp>

#include <boost/json/error.hpp>

#include <cstddef>
#include <string_view>

PM_BEGIN_NAMESPACE
namespace detail {

/**
 * Throws the error for JSON text that stopped parsing at byte `used` with `ec`: errc::limit
 * for nesting deeper than `max_depth`, else errc::parse ("not valid JSON: … at line L,
 * column C (byte offset B)").
 */
[[noreturn]] void throw_json_error(std::string_view text, std::size_t used, boost::json::error_code ec,
                                   std::size_t max_depth);

} // namespace detail
PM_END_NAMESPACE

#endif
