// postmortem/error.hpp: the error codes, their category and the exception type.
#include <postmortem/error.hpp> // first: the header must be self-contained

#include "support.hpp"

#include <stdexcept>
#include <string>
#include <system_error>

using postmortem::errc;

TEST_CASE("errc values are the C API status codes of DESIGN.md") {
  // DESIGN.md: PM_OK = 0, PM_ERROR = -1, PM_EINVALID = -2, PM_EPARSE = -3, PM_EVERSION = -4,
  // PM_ENOTFOUND = -5, PM_EIO = -6, PM_ELIMIT = -7, PM_ENOMEM = -8, PM_EFORMAT = -9,
  // PM_EPOLICY = -10. These numbers are never renumbered.
  CHECK(static_cast<int>(errc::ok) == 0);
  CHECK(static_cast<int>(errc::error) == -1);
  CHECK(static_cast<int>(errc::invalid_argument) == -2);
  CHECK(static_cast<int>(errc::parse) == -3);
  CHECK(static_cast<int>(errc::version) == -4);
  CHECK(static_cast<int>(errc::not_found) == -5);
  CHECK(static_cast<int>(errc::io) == -6);
  CHECK(static_cast<int>(errc::limit) == -7);
  CHECK(static_cast<int>(errc::no_memory) == -8);
  CHECK(static_cast<int>(errc::format) == -9);
  CHECK(static_cast<int>(errc::policy) == -10);
}

TEST_CASE("error_category is named postmortem and is a single object") {
  CHECK(std::string(postmortem::error_category().name()) == "postmortem");
  CHECK(&postmortem::error_category() == &postmortem::error_category());
}

TEST_CASE("errc_name gives the static text of every code") {
  CHECK(std::string(postmortem::errc_name(errc::ok)) == "ok");
  CHECK(std::string(postmortem::errc_name(errc::error)) == "error");
  CHECK(std::string(postmortem::errc_name(errc::invalid_argument)) == "invalid argument");
  CHECK(std::string(postmortem::errc_name(errc::parse)) == "parse error");
  CHECK(std::string(postmortem::errc_name(errc::version)) == "unsupported or missing schema version");
  CHECK(std::string(postmortem::errc_name(errc::not_found)) == "not found");
  CHECK(std::string(postmortem::errc_name(errc::io)) == "I/O error");
  CHECK(std::string(postmortem::errc_name(errc::limit)) == "limit exceeded");
  CHECK(std::string(postmortem::errc_name(errc::no_memory)) == "out of memory");
  CHECK(std::string(postmortem::errc_name(errc::format)) == "unknown or mismatched format");
  CHECK(std::string(postmortem::errc_name(errc::policy)) == "invalid policy");
}

TEST_CASE("errc_name of a number that is not a code is \"unknown error\", never null") {
  CHECK(std::string(postmortem::errc_name(static_cast<errc>(-11))) == "unknown error");
  CHECK(std::string(postmortem::errc_name(static_cast<errc>(-1000))) == "unknown error");
  CHECK(std::string(postmortem::errc_name(static_cast<errc>(1))) == "unknown error");
}

TEST_CASE("errc converts implicitly to a std::error_code of the postmortem category") {
  std::error_code ec = errc::parse; // is_error_code_enum + make_error_code found by ADL
  CHECK(ec.value() == -3);
  CHECK(&ec.category() == &postmortem::error_category());
  CHECK(ec.message() == "parse error");
  CHECK(ec == errc::parse);
  CHECK(ec != errc::version);
  CHECK(static_cast<bool>(ec)); // a non-zero code is an error

  std::error_code ok = postmortem::make_error_code(errc::ok);
  CHECK_FALSE(static_cast<bool>(ok));
}

TEST_CASE("a postmortem error_code is not equal to a generic one with the same number") {
  std::error_code ours = errc::io;
  std::error_code generic(-6, std::generic_category());
  CHECK(ours != generic);
}

TEST_CASE("error carries its code and message and is a std::runtime_error") {
  const postmortem::error e(errc::io, "cannot open 'x.json'");
  CHECK(e.code() == errc::io);
  CHECK(std::string(e.what()) == "cannot open 'x.json'");

  CHECK_THROWS_WITH_AS(throw postmortem::error(errc::limit, "too deep"), "too deep", std::runtime_error);
  CHECK_THROWS_WITH_AS(throw postmortem::error(errc::limit, "too deep"), "too deep", postmortem::error);
}
