// The report module (report.hpp): escaping, content, formats, determinism.
#include <postmortem/report.hpp>

#include "support.hpp"

#include <doctest/doctest.h>

namespace pm = postmortem;

// --- Escaping --------------------------------------------------------------------------------

TEST_CASE("escape_html turns markup characters into references and shows invisible ones") {
  CHECK(pm::escape_html("<script>alert('x')</script> & \"q\"") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  CHECK(pm::escape_html("invoice\xe2\x80\xaegpj.exe") == "invoice\\u202egpj.exe"); // RIGHT-TO-LEFT OVERRIDE
  CHECK(pm::escape_html(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(pm::escape_html("line\nnext\ttab") == "line\nnext\ttab"); // whitespace in HTML
  CHECK(pm::escape_html("a\xff" "b") == "a\xef\xbf\xbd" "b");      // invalid UTF-8: U+FFFD
  CHECK(pm::escape_html("caf\xc3\xa9") == "caf\xc3\xa9");
}

TEST_CASE("escape_markdown escapes every punctuation character Markdown could read as syntax") {
  CHECK(pm::escape_markdown("[click](javascript:alert(1))") == "\\[click\\]\\(javascript\\:alert\\(1\\)\\)");
  CHECK(pm::escape_markdown("![img](http://x/y.png)") == "\\!\\[img\\]\\(http\\:\\/\\/x\\/y\\.png\\)");
  CHECK(pm::escape_markdown("a | b") == "a \\| b");
  CHECK(pm::escape_markdown("<!-- c -->") == "\\<\\!\\-\\- c \\-\\-\\>");
  CHECK(pm::escape_markdown("line\nnext") == "line next"); // a line break would end a table row
  CHECK(pm::escape_markdown("x\xe2\x80\xaey") == "x\\\\u202ey");  // shown as \u202e
  CHECK(pm::escape_markdown("plain words 42") == "plain words 42");
}

TEST_CASE("escape_terminal shows every control character") {
  CHECK(pm::escape_terminal("a\x1b[2Jb\n") == "a\\x1b[2Jb\\n");
  CHECK(pm::is_unsafe_code_point(U'\u202e'));
  CHECK_FALSE(pm::is_unsafe_code_point(U'a'));
}
