# commdx_require_package(<Name> <what to install> [find_package arguments...])
#
# find_package(<Name> ...) that, when the package is missing (or older than asked), stops with one
# message naming what to install, instead of CMake's generic "Could not find a package
# configuration file", which names neither the Debian package nor the fix. A macro, not a
# function, so the variables find_package sets (<Name>_FOUND, <Name>_DIR, Python_EXECUTABLE...)
# reach the caller.
macro(commdx_require_package _commdx_name _commdx_install)
  find_package(${_commdx_name} ${ARGN} QUIET)
  if(NOT ${_commdx_name}_FOUND)
    set(_commdx_args ${ARGN})
    set(_commdx_wanted "")
    if(_commdx_args)
      list(GET _commdx_args 0 _commdx_first)
      if(_commdx_first MATCHES "^[0-9]")
        set(_commdx_wanted " ${_commdx_first} or newer")
      endif()
    endif()
    message(FATAL_ERROR
      "commdx needs ${_commdx_name}${_commdx_wanted}, which CMake did not find: ${_commdx_install}. "
      "If it is installed where CMake does not look, pass -DCMAKE_PREFIX_PATH=<its prefix> "
      "or -D${_commdx_name}_DIR=<the folder holding its CMake config file>.")
  endif()
endmacro()
