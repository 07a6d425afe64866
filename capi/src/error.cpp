// Errors, strings and versions of the C API: pm_error_last, pm_status_str, pm_free,
// pm_version_*, and the helpers of capi.hpp.
#include "capi.hpp"

#include <boost/system/system_error.hpp>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <system_error>

namespace postmortem::capi {
namespace {

// The C codes are the C++ codes; a mismatch would silently lie to every caller.
static_assert(static_cast<int>(errc::ok) == PM_OK);
static_assert(static_cast<int>(errc::error) == PM_ERROR);
static_assert(static_cast<int>(errc::invalid_argument) == PM_EINVALID);
static_assert(static_cast<int>(errc::parse) == PM_EPARSE);
static_assert(static_cast<int>(errc::version) == PM_EVERSION);
static_assert(static_cast<int>(errc::not_found) == PM_ENOTFOUND);
static_assert(static_cast<int>(errc::io) == PM_EIO);
static_assert(static_cast<int>(errc::limit) == PM_ELIMIT);
static_assert(static_cast<int>(errc::no_memory) == PM_ENOMEM);
static_assert(static_cast<int>(errc::format) == PM_EFORMAT);
static_assert(static_cast<int>(errc::policy) == PM_EPOLICY);

// The most negative code this build knows; pm_status_str() says "unknown error" past it.
constexpr int last_code = PM_EPOLICY;

struct LastError {
  std::string message;
  pm_error error{PM_OK, "no error"};
};

thread_local LastError last_error;

int code_of(const std::error_code &ec) noexcept {
  if (ec.category() == error_category() && ec.value() < 0 && ec.value() >= last_code)
    return ec.value();
  return PM_ERROR;
}

} // namespace

int set_error(int code, std::string_view message) noexcept {
  LastError &last = last_error;
  last.error.code = code;
  try {
    if (message.empty()) throw std::bad_alloc(); // nothing to say: use the static text
    last.message.assign(message);
    last.error.message = last.message.c_str();
  } catch (...) {
    last.error.message = pm_status_str(code);
  }
  return code;
}

int handle_current_exception() noexcept {
  try {
    throw;
  } catch (const error &e) {
    int code = static_cast<int>(e.code());
    return set_error(code < 0 && code >= last_code ? code : PM_ERROR, e.what());
  } catch (const std::bad_alloc &) {
    return set_error(PM_ENOMEM, "out of memory");
  } catch (const boost::system::system_error &e) {
    // Boost.JSON reports malformed input this way; the core should have wrapped it.
    int code = std::strcmp(e.code().category().name(), "boost.json") == 0 ? PM_EPARSE : PM_ERROR;
    return set_error(code, e.what());
  } catch (const std::system_error &e) {
    return set_error(code_of(e.code()), e.what());
  } catch (const std::exception &e) {
    return set_error(PM_ERROR, e.what());
  } catch (...) {
    return set_error(PM_ERROR, "unknown exception");
  }
}

void require(const void *p, const char *function, const char *param) {
  if (p == nullptr)
    throw error(errc::invalid_argument,
                std::string(function) + ": argument '" + param + "' is NULL");
}

void give_string(char **out, std::size_t *out_len, std::string_view text) {
  auto *copy = static_cast<char *>(std::malloc(text.size() + 1));
  if (copy == nullptr) throw std::bad_alloc();
  if (!text.empty()) std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  *out = copy;
  if (out_len != nullptr) *out_len = text.size();
}

const Policy &policy_or_default(const pm_policy *policy) noexcept {
  static const Policy defaults{};
  return policy != nullptr ? policy->impl : defaults;
}

} // namespace postmortem::capi

const pm_error *pm_error_last(void) {
  return &postmortem::capi::last_error.error;
}

const char *pm_status_str(int code) {
  if (code > PM_OK || code < postmortem::capi::last_code) return "unknown error";
  return postmortem::errc_name(static_cast<postmortem::errc>(code));
}

void pm_free(void *p) {
  std::free(p);
}

unsigned pm_version_number(void) {
  return PM_VERSION_NUMBER;
}

const char *pm_version_string(void) {
  return PM_VERSION_STRING;
}

int pm_abi_version(void) {
  return PM_ABI_VERSION;
}
