/**
 * @file postmortem/error.hpp
 * @brief The one error type of the C++ API.
 *
 * Every fallible function of the C++ API throws postmortem::error, whose code() is a
 * postmortem::errc with the same numbers as the C API's PM_E* status codes. Messages say
 * what went wrong and where (file, line and column, or a JSON Pointer).
 */
#ifndef POSTMORTEM_ERROR_HPP
#define POSTMORTEM_ERROR_HPP

#include <postmortem/detail/enum.hpp>

#include <stdexcept>
#include <string>
#include <system_error>

PM_BEGIN_NAMESPACE

/// Error codes, numbered exactly like the C API's status codes (never renumbered).
enum class errc : int {
  ok = 0,
  error = -1,            ///< generic failure (PM_ERROR)
  invalid_argument = -2, ///< bad argument, e.g. NULL (PM_EINVALID)
  parse = -3,            ///< not JSON, or the top level is not an object (PM_EPARSE)
  version = -4,          ///< `schema` missing or not a version this build reads (PM_EVERSION)
  not_found = -5,        ///< PM_ENOTFOUND
  io = -6,               ///< a file could not be read or written (PM_EIO)
  limit = -7,            ///< a documented limit was exceeded (PM_ELIMIT)
  no_memory = -8,        ///< PM_ENOMEM
  format = -9,           ///< unknown format, or import data not in that format (PM_EFORMAT)
  policy = -10,          ///< a policy that does not parse or names an unknown setting (PM_EPOLICY)
};

/// The std::error_category of postmortem::errc ("postmortem").
const std::error_category &error_category() noexcept;

/// Makes errc usable as a std::error_code.
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

/// Short static text for a code, e.g. "parse error"; never NULL.
const char *errc_name(errc e) noexcept;

/**
 * @brief The exception every C++ API function throws on failure.
 * @par Exception Safety
 * Functions that throw it give the strong guarantee: their arguments are unchanged.
 */
class error : public std::runtime_error {
public:
  error(errc code, const std::string &message) : std::runtime_error(message), code_(code) {}
  /// The code, the same number as the C status code.
  errc code() const noexcept { return code_; }

private:
  errc code_;
};

PM_END_NAMESPACE

template <> struct std::is_error_code_enum<postmortem::errc> : std::true_type {};

#endif
