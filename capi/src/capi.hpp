// Internal to the C API (capi/): the handle structs behind the opaque C types, and the
// exception firewall every C function body runs in. Not installed.
#ifndef POSTMORTEM_CAPI_CAPI_HPP
#define POSTMORTEM_CAPI_CAPI_HPP

#include <postmortem.h>

#include <postmortem/corpus.hpp>
#include <postmortem/document.hpp>
#include <postmortem/error.hpp>
#include <postmortem/policy.hpp>
#include <postmortem/validate.hpp>

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <vector>

// The C handles embed the C++ values; C sees only the incomplete types.
struct pm_doc {
  postmortem::Document impl;
};
struct pm_policy {
  postmortem::Policy impl;
};
struct pm_findings {
  std::vector<postmortem::Finding> items;
};
struct pm_corpus {
  postmortem::Corpus impl;
};

namespace postmortem::capi {

/// Makes {code, message} the calling thread's last error and returns `code`. Never throws:
/// when the message cannot be stored (or is empty), pm_status_str(code) is used instead.
int set_error(int code, std::string_view message) noexcept;

/// Maps the exception being handled to a status code and records it with set_error().
/// Call only from a catch block.
int handle_current_exception() noexcept;

/**
 * The exception firewall: runs `body` and returns PM_OK (or what `body` returns, when it
 * returns an int). Any exception becomes a status code plus the thread's last error:
 * postmortem::error its own code, std::bad_alloc PM_ENOMEM, a Boost.JSON system_error
 * PM_EPARSE, anything else PM_ERROR. On success the last error is left as it was, as in
 * libgit2.
 */
template <class F>
int guard(F &&body) noexcept {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F &>>) {
      body();
      return PM_OK;
    } else {
      return body();
    }
  } catch (...) {
    return handle_current_exception();
  }
}

/// Throws error(errc::invalid_argument) naming `function` and `param` when `p` is NULL.
void require(const void *p, const char *function, const char *param);

/// Hands a malloc'ed, NUL-terminated copy of `text` to the caller (freed with pm_free()),
/// and its length through `out_len` unless that is NULL. Throws std::bad_alloc.
void give_string(char **out, std::size_t *out_len, std::string_view text);

/// The policy a `const pm_policy *` stands for: NULL means the defaults.
const Policy &policy_or_default(const pm_policy *policy) noexcept;

} // namespace postmortem::capi

#endif
