// Unit tests of the CLI's building blocks: terminal escaping and the option parser.
// The end-to-end behaviour of the `postmortem` executable is tested by run_cli_tests.py.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "commands.hpp"
#include "options.hpp"
#include "terminal.hpp"

#include <string>
#include <vector>

using namespace pmcli;
using namespace std::string_literals;

TEST_SUITE("escape_for_terminal") {
  TEST_CASE("printable ASCII, backslashes and non-ASCII letters pass unchanged") {
    CHECK(escape_for_terminal("Overdue invoice #88213 (C:\\Temp)") ==
          "Overdue invoice #88213 (C:\\Temp)");
    CHECK(escape_for_terminal("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x92") ==
          "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x92");
    CHECK(escape_for_terminal("") == "");
  }

  TEST_CASE("an ESC sequence is shown, not executed") {
    CHECK(escape_for_terminal("a\x1b[2Jb") == "a\\x1b[2Jb");
    CHECK(escape_for_terminal("\x1b]0;title\x07") == "\\x1b]0;title\\x07");
  }

  TEST_CASE("newlines cannot fake a new finding line") {
    CHECK(escape_for_terminal("x\nf.json: error PM100: fake") == "x\\nf.json: error PM100: fake");
    CHECK(escape_for_terminal("a\r\tb") == "a\\r\\tb");
  }

  TEST_CASE("NUL, DEL and C1 controls are escaped") {
    CHECK(escape_for_terminal("a\0b"s) == "a\\x00b");
    CHECK(escape_for_terminal("a\x7f") == "a\\x7f");
    CHECK(escape_for_terminal("\xc2\x9b" "31m") == "\\u009b31m"); // U+009B, a one-character CSI
    CHECK(escape_for_terminal("\xc2\x85") == "\\u0085");
  }

  TEST_CASE("bidi overrides, isolates and marks are escaped (Trojan Source)") {
    CHECK(escape_for_terminal("invoice\xe2\x80\xaegpj.exe") == "invoice\\u202egpj.exe");
    CHECK(escape_for_terminal("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad") ==
          "\\u202a\\u202b\\u202c\\u202d");
    CHECK(escape_for_terminal("\xe2\x81\xa6x\xe2\x81\xa9") == "\\u2066x\\u2069");
    CHECK(escape_for_terminal("\xe2\x80\x8f\xd8\x9c") == "\\u200f\\u061c");
  }

  TEST_CASE("invisible characters and line separators are escaped") {
    CHECK(escape_for_terminal("a\xe2\x80\x8b" "b") == "a\\u200bb");       // zero-width space
    CHECK(escape_for_terminal("\xef\xbb\xbfx") == "\\ufeffx");           // BOM
    CHECK(escape_for_terminal("a\xe2\x80\xa8" "b") == "a\\u2028b");      // line separator
  }

  TEST_CASE("invalid UTF-8 is escaped byte by byte") {
    CHECK(escape_for_terminal("a\xff" "b") == "a\\xffb");
    CHECK(escape_for_terminal("\xc0\xaf") == "\\xc0\\xaf");               // overlong '/'
    CHECK(escape_for_terminal("\xed\xa0\x80") == "\\xed\\xa0\\x80");      // a surrogate
    CHECK(escape_for_terminal("\xe2\x80") == "\\xe2\\x80");               // truncated
    CHECK(escape_for_terminal("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80"); // above U+10FFFF
  }

  TEST_CASE("classification covers exactly the documented ranges") {
    CHECK(is_unsafe_for_terminal(U'\x1f'));
    CHECK_FALSE(is_unsafe_for_terminal(U' '));
    CHECK_FALSE(is_unsafe_for_terminal(U'~'));
    CHECK(is_unsafe_for_terminal(0x7f));
    CHECK(is_unsafe_for_terminal(0x9f));
    CHECK_FALSE(is_unsafe_for_terminal(0xa0));
    CHECK_FALSE(is_unsafe_for_terminal(0x2027));
    CHECK(is_unsafe_for_terminal(0x202e));
    CHECK_FALSE(is_unsafe_for_terminal(0x202f));
    CHECK(is_unsafe_for_terminal(0x2069));
    CHECK_FALSE(is_unsafe_for_terminal(0x1f512));
  }
}

TEST_SUITE("escape_json_for_terminal") {
  TEST_CASE("unsafe code points inside strings become \\u escapes; layout stays") {
    CHECK(escape_json_for_terminal("{\n  \"m\": \"a\xe2\x80\xae" "b\\u001b\"\n}") ==
          "{\n  \"m\": \"a\\u202eb\\u001b\"\n}");
    CHECK(escape_json_for_terminal("[\"\xc2\x9b\x7f\"]") == "[\"\\u009b\\u007f\"]");
  }
  TEST_CASE("invalid UTF-8 becomes U+FFFD so the output stays valid JSON") {
    CHECK(escape_json_for_terminal("[\"a\xff" "b\"]") == "[\"a\\ufffdb\"]");
  }
  TEST_CASE("printable non-ASCII text is unchanged") {
    CHECK(escape_json_for_terminal("[\"caf\xc3\xa9\"]") == "[\"caf\xc3\xa9\"]");
  }
}

namespace {

constexpr std::string_view colours[] = {"text", "json"};
const OptionSpec specs[] = {
    {"format", 0, "FORMAT", "output format\nsecond line", colours},
    {"policy", 0, "FILE", "policy file"},
    {"rule", 0, "CODE=LEVEL", "a rule", {}, true},
    {"no-color", 0, "", "no colour"},
    {"help", 'h', "", "help"},
};

ParsedArgs parse(std::vector<std::string> args) { return parse_options(args, specs); }

std::string usage_error(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const UsageError &e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST_SUITE("parse_options") {
  TEST_CASE("'--opt value' and '--opt=value' mean the same") {
    CHECK(parse({"--format", "json"}).value("format") == "json");
    CHECK(parse({"--format=json"}).value("format") == "json");
    CHECK(parse({"--policy="}).value("policy") == "");
  }

  TEST_CASE("operands and options interleave; '-' is an operand") {
    auto a = parse({"a.json", "--no-color", "-", "b.json"});
    CHECK(a.operands == std::vector<std::string>{"a.json", "-", "b.json"});
    CHECK(a.has("no-color"));
    CHECK_FALSE(a.has("format"));
    CHECK_FALSE(a.value("format").has_value());
  }

  TEST_CASE("'--' ends the options") {
    auto a = parse({"--no-color", "--", "--format", "-h"});
    CHECK(a.operands == std::vector<std::string>{"--format", "-h"});
    CHECK_FALSE(a.has("format"));
  }

  TEST_CASE("a repeatable option keeps every value in order") {
    auto a = parse({"--rule", "PM1=off", "x", "--rule=PM2=warning"});
    CHECK(a.values("rule") == std::vector<std::string>{"PM1=off", "PM2=warning"});
  }

  TEST_CASE("a non-repeatable option given twice is an error") {
    CHECK(usage_error({"--format", "json", "--format=text"}) ==
          "option '--format' given more than once; give it once");
  }

  TEST_CASE("an unknown option suggests the closest known one") {
    CHECK(usage_error({"--formt", "json"}) == "unknown option '--formt' (did you mean '--format'?)");
    CHECK(usage_error({"--fromat=json"}) == "unknown option '--fromat' (did you mean '--format'?)");
    CHECK(usage_error({"-format"}) == "unknown option '-format' (did you mean '--format'?)");
    CHECK(usage_error({"--no-colour"}) == "unknown option '--no-colour' (did you mean '--no-color'?)");
    CHECK(usage_error({"--zzzzzz"}) == "unknown option '--zzzzzz'");
    CHECK(usage_error({"-x"}) == "unknown option '-x'");
  }

  TEST_CASE("short options are single letters") {
    CHECK(parse({"-h"}).has("help"));
    CHECK(usage_error({"-hh"}) == "unknown option '-hh'");
  }

  TEST_CASE("a missing value is an error that names what was expected") {
    CHECK(usage_error({"--policy"}) == "option '--policy' needs a value (FILE)");
    CHECK(usage_error({"--format"}) == "option '--format' needs a value (FORMAT: 'text' or 'json')");
  }

  TEST_CASE("a value cannot start with '-' unless attached with '='") {
    CHECK(usage_error({"--policy", "--no-color"}) ==
          "option '--policy' needs a value (FILE) but is followed by '--no-color'; to give a value "
          "that starts with '-', write '--policy=VALUE'");
    CHECK(parse({"--policy=-odd.json"}).value("policy") == "-odd.json");
    CHECK(parse({"--policy", "-"}).value("policy") == "-");
  }

  TEST_CASE("a flag takes no value") {
    CHECK(usage_error({"--no-color=yes"}) == "option '--no-color' takes no value (got 'yes')");
  }

  TEST_CASE("a value outside the choices is an error with a suggestion") {
    CHECK(usage_error({"--format", "jsno"}) ==
          "invalid value 'jsno' for '--format' (did you mean 'json'?); expected 'text' or 'json'");
    CHECK(usage_error({"--format", "xml"}) ==
          "invalid value 'xml' for '--format'; expected 'text' or 'json'");
  }

  TEST_CASE("wants_help sees -h and --help before '--' only") {
    CHECK(wants_help(std::vector<std::string>{"a", "--help"}));
    CHECK(wants_help(std::vector<std::string>{"-h"}));
    CHECK_FALSE(wants_help(std::vector<std::string>{"--", "--help"}));
    CHECK_FALSE(wants_help(std::vector<std::string>{"--helpme"}));
  }
}

TEST_SUITE("closest") {
  constexpr std::string_view levels[] = {"error", "warning", "info", "none"};
  TEST_CASE("typos and unique prefixes are suggested; unrelated words are not") {
    CHECK(closest("eror", levels) == "error");
    CHECK(closest("warn", levels) == "warning");
    CHECK(closest("inof", levels) == "info");
    CHECK_FALSE(closest("fatal", levels).has_value());
    CHECK_FALSE(closest("", levels).has_value());
  }
}

TEST_SUITE("help") {
  TEST_CASE("render_options lists every option with aligned continuation lines") {
    std::string text = render_options(specs);
    CHECK(text ==
          "Options:\n"
          "      --format FORMAT    output format\n"
          "                         second line\n"
          "      --policy FILE      policy file\n"
          "      --rule CODE=LEVEL  a rule\n"
          "      --no-color         no colour\n"
          "  -h, --help             help\n");
  }

  TEST_CASE("every command's help lists each of its options") {
    for (const Command *c : commands()) {
      CAPTURE(c->name);
      std::string help = render_help(*c);
      CHECK(help.starts_with("Usage: postmortem " + std::string(c->name)));
      for (const auto &o : c->options) CHECK(help.find("--" + std::string(o.name)) != std::string::npos);
      CHECK(help.find("Examples:") != std::string::npos);
    }
  }

  TEST_CASE("command names are unique and have a handler") {
    auto table = commands();
    for (std::size_t i = 0; i < table.size(); ++i) {
      CHECK(static_cast<bool>(table[i]->run));
      for (std::size_t j = i + 1; j < table.size(); ++j) CHECK(table[i]->name != table[j]->name);
    }
  }
}
