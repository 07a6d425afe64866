# Checks the dynamic symbol table of libpostmortem (cmake -P):
#  - every defined dynamic symbol is a pm_* function, apart from the linker's own
#    (_init, _fini, _edata, _end, __bss_start) and the version node (PM_<abi>);
#  - every function declared in postmortem.h is exported, and every exported pm_* symbol
#    is declared there;
#  - the SONAME is the one CMake was asked for (libpostmortem.so.<abi>).
# Inputs: NM, READELF (optional), LIBRARY, SONAME, HEADER.
cmake_minimum_required(VERSION 3.20)
foreach(var NM LIBRARY SONAME HEADER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_exports.cmake: -D${var}=... is required")
  endif()
endforeach()

execute_process(COMMAND ${NM} -D --defined-only ${LIBRARY}
                OUTPUT_VARIABLE nm_out ERROR_VARIABLE nm_err RESULT_VARIABLE nm_rc)
if(NOT nm_rc EQUAL 0)
  message(FATAL_ERROR "${NM} -D --defined-only ${LIBRARY} failed (${nm_rc}): ${nm_err}")
endif()

set(ignored _init _fini _edata _end __bss_start)
set(exported "")
set(unexpected "")
string(REPLACE "\n" ";" lines "${nm_out}")
foreach(line IN LISTS lines)
  if(line STREQUAL "")
    continue()
  endif()
  # "0000000000001234 T pm_doc_parse@@PM_1": the name is the last field, minus its version.
  string(REGEX REPLACE "^.* " "" name "${line}")
  string(REGEX REPLACE "@.*$" "" name "${name}")
  if(name MATCHES "^pm_")
    list(APPEND exported ${name})
  elseif(name IN_LIST ignored OR name MATCHES "^PM_[0-9]+$")
    # the linker's symbols and the version node
  else()
    list(APPEND unexpected "${line}")
  endif()
endforeach()

file(READ ${HEADER} header)
string(REGEX MATCHALL "PM_EXTERN\\([^)]*\\)[ \t\r\n*]*pm_[a-z0-9_]+[ \t]*\\(" decls "${header}")
set(declared "")
foreach(decl IN LISTS decls)
  string(REGEX MATCH "pm_[a-z0-9_]+[ \t]*\\($" fn "${decl}")
  string(REGEX REPLACE "[ \t]*\\($" "" fn "${fn}")
  list(APPEND declared ${fn})
endforeach()

set(problems "")
if(unexpected)
  list(JOIN unexpected "\n  " text)
  string(APPEND problems "symbols exported that are not pm_*:\n  ${text}\n")
endif()
if(NOT declared)
  string(APPEND problems "no PM_EXTERN declaration found in ${HEADER}\n")
endif()
foreach(fn IN LISTS declared)
  if(NOT fn IN_LIST exported)
    string(APPEND problems "declared in postmortem.h but not exported: ${fn}\n")
  endif()
endforeach()
foreach(fn IN LISTS exported)
  if(NOT fn IN_LIST declared)
    string(APPEND problems "exported but not declared in postmortem.h: ${fn}\n")
  endif()
endforeach()

if(READELF)
  execute_process(COMMAND ${READELF} -d ${LIBRARY} OUTPUT_VARIABLE dyn RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT dyn MATCHES "\\(SONAME\\)[^\n]*\\[${SONAME}\\]")
    string(APPEND problems "SONAME is not ${SONAME}\n")
  endif()
endif()

if(problems)
  message(FATAL_ERROR "${LIBRARY}:\n${problems}")
endif()
list(LENGTH exported n)
message(STATUS "${n} pm_* functions exported, all declared in postmortem.h; nothing else")
