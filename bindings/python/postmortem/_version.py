"""The version of the Python package; the wheel's version is read from here.

It follows the C library's release version (CMake's ``project(VERSION)``); the tests
check that the two agree. Compatibility with a given ``libpostmortem`` is decided by the
ABI number instead (see ``_lib.ABI_VERSION``).
"""

__version__ = "0.1.0"
