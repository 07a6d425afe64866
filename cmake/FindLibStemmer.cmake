# Finds libstemmer (Debian package libstemmer-dev), Snowball's stemming algorithms in C, and
# defines the imported target LibStemmer::stemmer. The corpus groups factor titles by their
# English (Porter 2) stems.
#
# The static archive is preferred: Debian builds it position-independent, so the shared
# libpostmortem absorbs it (its symbols stay local) and gains no run-time dependency.
#
# Result variables: LibStemmer_FOUND, LibStemmer_INCLUDE_DIR, LibStemmer_LIBRARY.
find_path(LibStemmer_INCLUDE_DIR NAMES libstemmer.h)
find_library(LibStemmer_LIBRARY NAMES libstemmer.a stemmer)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibStemmer REQUIRED_VARS LibStemmer_LIBRARY LibStemmer_INCLUDE_DIR)
mark_as_advanced(LibStemmer_INCLUDE_DIR LibStemmer_LIBRARY)

if(LibStemmer_FOUND AND NOT TARGET LibStemmer::stemmer)
  add_library(LibStemmer::stemmer UNKNOWN IMPORTED)
  set_target_properties(LibStemmer::stemmer PROPERTIES
    IMPORTED_LOCATION "${LibStemmer_LIBRARY}"
    IMPORTED_LINK_INTERFACE_LANGUAGES C
    INTERFACE_INCLUDE_DIRECTORIES "${LibStemmer_INCLUDE_DIR}")
endif()
