# Install rules and package files: included by the top-level CMakeLists.txt when PM_INSTALL.
#
# Installs the shared C library (postmortem::postmortem) with include/postmortem.h and the
# generated postmortem/version.h, and the static C++ library (postmortem::core) with the C++
# headers; a CMake package (postmortem-config.cmake, SameMajorVersion) and a pkg-config file
# for the C library. The build tree is exported too, for the C library (see below).
include(CMakePackageConfigHelpers)

set(PM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/postmortem
    CACHE STRING "Where to install postmortem-config.cmake, relative to the prefix")
set(PM_INSTALL_PKGCONFIGDIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig
    CACHE STRING "Where to install postmortem.pc, relative to the prefix")
mark_as_advanced(PM_INSTALL_CMAKEDIR PM_INSTALL_PKGCONFIGDIR)

# postmortem_core is imported by users as postmortem::core, as its build-tree alias reads.
set_target_properties(postmortem_core PROPERTIES EXPORT_NAME core)

install(TARGETS postmortem postmortem_core
  EXPORT postmortem-targets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Runtime
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Runtime
          NAMELINK_COMPONENT Development
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development)

install(FILES ${PROJECT_SOURCE_DIR}/include/postmortem.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT Development)
install(FILES ${PROJECT_BINARY_DIR}/include/postmortem/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/postmortem COMPONENT Development)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/postmortem/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/postmortem COMPONENT Development
        FILES_MATCHING PATTERN "*.hpp")

# The built-in ATT&CK and KEV tables are compiled into the library: their licences and the
# MITRE attribution (data/README.md) go with every installed copy.
install(FILES ${PROJECT_SOURCE_DIR}/data/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}/data)
install(FILES ${PROJECT_SOURCE_DIR}/data/attack/LICENSE.txt DESTINATION ${CMAKE_INSTALL_DOCDIR}/data/attack)
install(FILES ${PROJECT_SOURCE_DIR}/data/kev/LICENSE.txt DESTINATION ${CMAKE_INSTALL_DOCDIR}/data/kev)

install(EXPORT postmortem-targets
        NAMESPACE postmortem::
        FILE postmortem-targets.cmake
        DESTINATION ${PM_INSTALL_CMAKEDIR} COMPONENT Development)

# The build tree as a package too (find_package(postmortem) with postmortem_DIR=<build>).
export(TARGETS postmortem postmortem_core NAMESPACE postmortem::
       FILE ${PROJECT_BINARY_DIR}/postmortem-targets.cmake)

# FindLibCSV.cmake and FindLibStemmer.cmake sit beside the config file, in the build tree and when installed.
configure_file(${PROJECT_SOURCE_DIR}/cmake/FindLibCSV.cmake ${PROJECT_BINARY_DIR}/FindLibCSV.cmake COPYONLY)
configure_file(${PROJECT_SOURCE_DIR}/cmake/FindLibStemmer.cmake ${PROJECT_BINARY_DIR}/FindLibStemmer.cmake COPYONLY)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/postmortem-config.cmake.in
                              ${PROJECT_BINARY_DIR}/postmortem-config.cmake
                              INSTALL_DESTINATION ${PM_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/postmortem-config-version.cmake
                                 VERSION ${PROJECT_VERSION}
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/postmortem-config.cmake
              ${PROJECT_BINARY_DIR}/postmortem-config-version.cmake
              ${PROJECT_BINARY_DIR}/FindLibCSV.cmake
              ${PROJECT_BINARY_DIR}/FindLibStemmer.cmake
        DESTINATION ${PM_INSTALL_CMAKEDIR} COMPONENT Development)

# pkg-config. The prefix is found from the .pc file's own place (${pcfiledir}), so the file
# stays right for `cmake --install --prefix`, DESTDIR and a moved tree alike; absolute
# install dirs are used as they are.
function(pm_pkgconfig_dir out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "\${prefix}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
if(IS_ABSOLUTE "${PM_INSTALL_PKGCONFIGDIR}")
  set(PM_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH pm_up "/pm-prefix/${PM_INSTALL_PKGCONFIGDIR}" "/pm-prefix")
  string(REGEX REPLACE "/$" "" pm_up "${pm_up}")
  set(PM_PC_PREFIX "\${pcfiledir}/${pm_up}")
endif()
pm_pkgconfig_dir(PM_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
pm_pkgconfig_dir(PM_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/postmortem.pc.in ${PROJECT_BINARY_DIR}/postmortem.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/postmortem.pc
        DESTINATION ${PM_INSTALL_PKGCONFIGDIR} COMPONENT Development)
