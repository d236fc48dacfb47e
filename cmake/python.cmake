# python.cmake — the Python extension module noether._core (nanobind) over noether_core (docs/PYTHON.md).
# Included by CMakeLists.txt when NOETHER_PYTHON=ON (always under scikit-build-core, `pip install .`).
#   - noether_core (and the CUDA and CPU-check objects) become position-independent code;
#   - the module is host/python/*.cpp, one file per area, linked to the same noether_core as the CLI;
#   - in a plain CMake build the module and a copy of python/noether/*.py land in <build>/python/noether,
#     so `PYTHONPATH=<build>/python python -c "import noether"` works (scripts/test.sh runs pytest that way);
#   - under scikit-build-core the module is installed into the wheel's noether/ package.
find_package(Python 3.9 COMPONENTS Interpreter Development.Module REQUIRED)
if(NOT nanobind_DIR)
  execute_process(COMMAND "${Python_EXECUTABLE}" -m nanobind --cmake_dir OUTPUT_STRIP_TRAILING_WHITESPACE
                  OUTPUT_VARIABLE nanobind_DIR RESULT_VARIABLE _noether_nb_rc)
  if(NOT _noether_nb_rc EQUAL 0)
    message(FATAL_ERROR "NOETHER_PYTHON=ON: nanobind is not installed for ${Python_EXECUTABLE} "
                        "(pip install nanobind; scripts/test.sh sets up build/pyenv with it)")
  endif()
endif()
find_package(nanobind CONFIG REQUIRED)
message(STATUS "noether: Python extension for ${Python_EXECUTABLE} (${Python_VERSION}), nanobind ${nanobind_VERSION}")

foreach(_t noether_core noether_cpu_check noether_cuda)
  if(TARGET ${_t})
    set_target_properties(${_t} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    target_compile_options(${_t} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-fno-semantic-interposition>)
  endif()
endforeach()

file(GLOB NOETHER_PYTHON_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/host/python/*.cpp)
# NOMINSIZE: the engine's templates (forces, pair laws) instantiated here must be compiled exactly as in noether_core
# (the linker keeps one copy of each; nanobind's default -Os would change their rounding and the CLI-equal bytes).
nanobind_add_module(_core NB_STATIC NOMINSIZE ${NOETHER_PYTHON_SOURCES})  # + aligned_new.cpp, an INTERFACE source of noether_core
noether_use_simd(_core)
target_link_libraries(_core PRIVATE noether_core)
target_include_directories(_core PRIVATE ${CMAKE_SOURCE_DIR}/host)

# Type stubs (nanobind's stubgen imports the built module): noether/_core.pyi and the py.typed marker.
if(SKBUILD)
  install(TARGETS _core LIBRARY DESTINATION noether)
  nanobind_add_stub(noether_stub INSTALL_TIME MODULE noether._core OUTPUT noether/_core.pyi PYTHON_PATH "."
                    MARKER_FILE noether/py.typed)
else()
  set(_noether_pkg ${CMAKE_BINARY_DIR}/python/noether)
  set_target_properties(_core PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${_noether_pkg})
  file(GLOB NOETHER_PYTHON_PACKAGE CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/python/noether/*.py)
  set(_noether_copies)
  foreach(_f ${NOETHER_PYTHON_PACKAGE})
    get_filename_component(_n ${_f} NAME)
    add_custom_command(OUTPUT ${_noether_pkg}/${_n} COMMAND ${CMAKE_COMMAND} -E copy_if_different ${_f} ${_noether_pkg}/${_n}
                       DEPENDS ${_f} VERBATIM)
    list(APPEND _noether_copies ${_noether_pkg}/${_n})
  endforeach()
  add_custom_target(noether_python_package ALL DEPENDS ${_noether_copies})
  add_dependencies(_core noether_python_package)
  nanobind_add_stub(noether_stub MODULE noether._core OUTPUT ${_noether_pkg}/_core.pyi
                    PYTHON_PATH ${CMAKE_BINARY_DIR}/python MARKER_FILE ${_noether_pkg}/py.typed
                    DEPENDS _core noether_python_package)
endif()
