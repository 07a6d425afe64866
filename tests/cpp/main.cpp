// doctest's runner, built once as an OBJECT library and linked into pm_cpp_tests.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
