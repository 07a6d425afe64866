# Finds libcsv (Debian package libcsv-dev), a small C library that parses RFC 4180 CSV with
# callbacks, and defines the imported target LibCSV::csv.
#
# The static archive is preferred: Debian builds it position-independent, so the shared
# libpostmortem absorbs it (its symbols stay local) and gains no run-time dependency.
#
# Result variables: LibCSV_FOUND, LibCSV_INCLUDE_DIR, LibCSV_LIBRARY, LibCSV_VERSION.
find_path(LibCSV_INCLUDE_DIR NAMES csv.h)
find_library(LibCSV_LIBRARY NAMES libcsv.a csv)

if(LibCSV_INCLUDE_DIR AND EXISTS "${LibCSV_INCLUDE_DIR}/csv.h")
  file(STRINGS "${LibCSV_INCLUDE_DIR}/csv.h" pm_csv_version REGEX "^#define CSV_(MAJOR|MINOR|RELEASE) ")
  string(REGEX REPLACE ".*CSV_MAJOR ([0-9]+).*" "\\1" pm_csv_major "${pm_csv_version}")
  string(REGEX REPLACE ".*CSV_MINOR ([0-9]+).*" "\\1" pm_csv_minor "${pm_csv_version}")
  string(REGEX REPLACE ".*CSV_RELEASE ([0-9]+).*" "\\1" pm_csv_release "${pm_csv_version}")
  set(LibCSV_VERSION "${pm_csv_major}.${pm_csv_minor}.${pm_csv_release}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibCSV
  REQUIRED_VARS LibCSV_LIBRARY LibCSV_INCLUDE_DIR
  VERSION_VAR LibCSV_VERSION)
mark_as_advanced(LibCSV_INCLUDE_DIR LibCSV_LIBRARY)

if(LibCSV_FOUND AND NOT TARGET LibCSV::csv)
  add_library(LibCSV::csv UNKNOWN IMPORTED)
  set_target_properties(LibCSV::csv PROPERTIES
    IMPORTED_LOCATION "${LibCSV_LIBRARY}"
    IMPORTED_LINK_INTERFACE_LANGUAGES C
    INTERFACE_INCLUDE_DIRECTORIES "${LibCSV_INCLUDE_DIR}")
endif()
