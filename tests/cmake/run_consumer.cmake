# Driver of the cmake_find_package test (cmake -P). Inputs: BUILD_DIR, WORK_DIR,
# SOURCE_DIR, CONFIG, GENERATOR, C_COMPILER, CXX_COMPILER, FLAGS, PKG_CONFIG, VERSION.
cmake_minimum_required(VERSION 3.20)

# Runs a command; stops the test with its output when it fails. The output is left in
# the variable named by OUTPUT, if given.
function(run)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUTPUT" "COMMAND")
  execute_process(COMMAND ${arg_COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    list(JOIN arg_COMMAND " " text)
    message(FATAL_ERROR "failed (${rc}): ${text}\n${out}")
  endif()
  if(arg_OUTPUT)
    set(${arg_OUTPUT} "${out}" PARENT_SCOPE)
  endif()
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(config_args "")
if(CONFIG)
  set(config_args --config ${CONFIG})
endif()

# 1. Install the build tree.
run(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} ${config_args})
file(GLOB_RECURSE config_file ${prefix}/*/postmortem-config.cmake)
file(GLOB_RECURSE pc_file ${prefix}/*/postmortem.pc)
file(GLOB_RECURSE shared_lib ${prefix}/*/libpostmortem.so*)
foreach(f include/postmortem.h include/postmortem/version.h include/postmortem/document.hpp
          include/postmortem/detail/enum.hpp)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
if(NOT config_file OR NOT pc_file OR NOT shared_lib)
  message(FATAL_ERROR "not installed: postmortem-config.cmake, postmortem.pc or libpostmortem.so")
endif()
get_filename_component(libdir ${pc_file} DIRECTORY)
get_filename_component(libdir ${libdir} DIRECTORY)

# 2. Configure, build and run a consumer project (SOURCE_DIR/<project>) in WORK_DIR/<bin>,
#    finding the package in <package_root> only (no package registry).
function(consumer bin_name project target package_root language compiler)
  set(bin ${WORK_DIR}/${bin_name})
  run(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/${project} -B ${bin} -G ${GENERATOR}
              -DCMAKE_BUILD_TYPE=${CONFIG}
              -DCMAKE_${language}_COMPILER=${compiler}
              "-DCMAKE_${language}_FLAGS=${FLAGS}"
              "-DCMAKE_EXE_LINKER_FLAGS=${FLAGS}"
              -DCMAKE_PREFIX_PATH=${package_root}
              -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
              ${ARGN})
  file(STRINGS ${bin}/CMakeCache.txt found REGEX "^postmortem_DIR:")
  string(REGEX REPLACE "^[^=]*=" "" found "${found}")
  string(FIND "${found}/" "${package_root}/" pos)
  if(NOT pos EQUAL 0)
    message(FATAL_ERROR "${bin_name} found the package in '${found}', not in ${package_root}")
  endif()
  run(COMMAND ${CMAKE_COMMAND} --build ${bin} ${config_args})
  set(exe ${bin}/${target})
  if(CONFIG AND NOT EXISTS ${exe})
    set(exe ${bin}/${CONFIG}/${target}) # multi-config generators
  endif()
  run(COMMAND ${exe} OUTPUT out)
  message(STATUS "${bin_name}: ${out}")
  set(output "${out}" PARENT_SCOPE)
endfunction()

# The C consumer, with Boost hidden: the C library must not need it.
set(c_output "^postmortem ${VERSION} \\(ABI [0-9]+\\): [0-9]+ findings, {\"schema\"")
consumer(consumer consumer consumer ${prefix} C ${C_COMPILER} -DCMAKE_DISABLE_FIND_PACKAGE_Boost=ON)
if(NOT output MATCHES "${c_output}")
  message(FATAL_ERROR "unexpected output of the C consumer: ${output}")
endif()
# The same against the build tree's export (postmortem_DIR = the build dir).
consumer(consumer-build-tree consumer consumer ${BUILD_DIR} C ${C_COMPILER}
         -DCMAKE_DISABLE_FIND_PACKAGE_Boost=ON)
if(NOT output MATCHES "${c_output}")
  message(FATAL_ERROR "unexpected output of the C consumer of the build tree: ${output}")
endif()
# The C++ consumer of the static core.
consumer(consumer-core consumer-core consumer_core ${prefix} CXX ${CXX_COMPILER})
if(NOT output MATCHES "^core: [0-9]+ findings")
  message(FATAL_ERROR "unexpected output of the C++ consumer: ${output}")
endif()

# 3. pkg-config: flags that compile, link and run the same C consumer.
if(NOT PKG_CONFIG)
  message(FATAL_ERROR "pkg-config not found (scripts/install-deps.sh installs it)")
endif()
get_filename_component(pc_dir ${pc_file} DIRECTORY)
set(pkg_env ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pc_dir})
run(COMMAND ${pkg_env} ${PKG_CONFIG} --modversion postmortem OUTPUT modversion)
string(STRIP "${modversion}" modversion)
if(NOT modversion STREQUAL VERSION)
  message(FATAL_ERROR "pkg-config --modversion postmortem: '${modversion}', expected '${VERSION}'")
endif()
run(COMMAND ${pkg_env} ${PKG_CONFIG} --cflags --libs postmortem OUTPUT flags)
string(STRIP "${flags}" flags)
message(STATUS "pkg-config --cflags --libs postmortem: ${flags}")
if(NOT flags MATCHES "-lpostmortem" OR NOT flags MATCHES "-I")
  message(FATAL_ERROR "pkg-config --cflags --libs postmortem: unexpected '${flags}'")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
separate_arguments(extra UNIX_COMMAND "${FLAGS}")
set(exe ${WORK_DIR}/pkg-config-consumer)
run(COMMAND ${C_COMPILER} -std=c99 ${extra} ${SOURCE_DIR}/consumer/main.c ${flags}
            -Wl,-rpath,${libdir} -o ${exe})
run(COMMAND ${exe} OUTPUT out)
message(STATUS "pkg-config consumer: ${out}")
