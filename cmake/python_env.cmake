# pm_python_env(<out-var>): the environment a Python test (or example) needs to load the
# library this build makes, as a list for set_tests_properties(... ENVIRONMENT ...).
#
# An ASan-instrumented library cannot be dlopen()ed by an uninstrumented python3 unless the
# ASan runtime is loaded first, and ASan's __cxa_throw interceptor needs the C++ runtime
# loaded when it starts: with PM_SANITIZE both are preloaded. Python's own allocations at
# exit are not ours to report (the C tests check the library for leaks), and a small
# quarantine keeps the memory-growth test meaningful. Child processes inherit all of it.
function(pm_python_env out_var)
  set(env "PM_LIBRARY=$<TARGET_FILE:postmortem>" "PYTHONPATH=${PROJECT_SOURCE_DIR}/bindings/python")
  if(PM_SANITIZE)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      set(asan_runtime libasan.so)
    else()
      set(asan_runtime libclang_rt.asan-${CMAKE_SYSTEM_PROCESSOR}.so)
    endif()
    set(preload "")
    foreach(runtime IN ITEMS ${asan_runtime} libstdc++.so)
      execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${runtime}
                      OUTPUT_VARIABLE runtime_path OUTPUT_STRIP_TRAILING_WHITESPACE)
      if(NOT IS_ABSOLUTE "${runtime_path}" OR NOT EXISTS "${runtime_path}")
        message(FATAL_ERROR "cannot find ${runtime} for the sanitizer build "
                            "(${CMAKE_CXX_COMPILER} -print-file-name gave '${runtime_path}')")
      endif()
      list(APPEND preload ${runtime_path})
    endforeach()
    list(JOIN preload ":" preload)
    list(APPEND env "LD_PRELOAD=${preload}" "ASAN_OPTIONS=detect_leaks=0:quarantine_size_mb=16")
  endif()
  set(${out_var} "${env}" PARENT_SCOPE)
endfunction()
