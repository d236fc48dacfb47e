# simd.cmake — NOETHER_SIMD: build for the host's SIMD instruction sets (as GROMACS' GMX_SIMD=AUTO and LAMMPS'
# -march=native builds do) or portably.
#   AUTO (default)  native when the compiler accepts -march=native and a program built with it runs here,
#                   else portable (with a message)
#   native          -march=native, required to work
#   portable        no -march: the compiler's baseline (x86-64: SSE2), runs on any CPU of the architecture
# The flags go to C++ compilations only (never to nvcc's command line; nvcc's host pass stays at its default).
# noether_use_simd(target) adds them to a target. The ISA extensions they enable (the compiler's predefined
# __AVX2__, __FMA__, __AVX512F__, ... macros) are recorded as NOETHER_ISA_<NAME> definitions on the object
# library noether_cpu_check (host/core/cpu_check.cpp), compiled WITHOUT the flags, whose start-up check stops a
# binary with a clear message on a CPU that lacks one of them (include/noether/core/cpu_check.hpp).
set(NOETHER_SIMD "AUTO" CACHE STRING "Host SIMD: AUTO (native when it runs here), native (-march=native) or portable")
set_property(CACHE NOETHER_SIMD PROPERTY STRINGS AUTO native portable)
string(TOLOWER "${NOETHER_SIMD}" _noether_simd)
set(NOETHER_SIMD_FLAGS "")
set(NOETHER_SIMD_MODE portable)
if(_noether_simd STREQUAL "auto" OR _noether_simd STREQUAL "native")
  include(CheckCXXSourceRuns)
  set(CMAKE_REQUIRED_FLAGS "-march=native")
  # A loop the compiler vectorises with the widest ISA it has: it must also run on this CPU.
  check_cxx_source_runs([=[
    #include <cmath>
    int main() {
      double a[64], b[64];
      for (int i = 0; i < 64; ++i) a[i] = i * 0.5, b[i] = std::sqrt(a[i] * a[i] + 4.0);
      double s = 0;
      for (int i = 0; i < 64; ++i) s += a[i] * b[i] + 1.0;
      return s > 0 ? 0 : 1;
    }]=] NOETHER_MARCH_NATIVE_RUNS)
  unset(CMAKE_REQUIRED_FLAGS)
  if(NOETHER_MARCH_NATIVE_RUNS)
    set(NOETHER_SIMD_FLAGS -march=native)
    set(NOETHER_SIMD_MODE native)
  elseif(_noether_simd STREQUAL "native")
    message(FATAL_ERROR "NOETHER_SIMD=native: a program built with -march=native does not build or run here; "
                        "use -DNOETHER_SIMD=portable")
  else()
    message(STATUS "noether: -march=native does not build or run here; building portably")
  endif()
elseif(NOT _noether_simd STREQUAL "portable")
  message(FATAL_ERROR "NOETHER_SIMD must be AUTO, native or portable, got '${NOETHER_SIMD}'")
endif()

# Which ISA extensions the flags enable: the compiler's predefined macros under them.
set(NOETHER_ISA_DEFINITIONS "")
set(NOETHER_BUILT_ISA "")
if(NOETHER_SIMD_FLAGS)
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} ${NOETHER_SIMD_FLAGS} -dM -E -x c++ /dev/null
                  OUTPUT_VARIABLE _noether_macros RESULT_VARIABLE _noether_rc)
  if(NOT _noether_rc EQUAL 0)
    message(FATAL_ERROR "noether: could not list the predefined macros of ${CMAKE_CXX_COMPILER} ${NOETHER_SIMD_FLAGS}")
  endif()
  foreach(isa SSE3 SSSE3 SSE4_1 SSE4_2 POPCNT AVX AVX2 FMA BMI BMI2 AVX512F AVX512DQ AVX512CD AVX512BW AVX512VL
              AVX512IFMA AVX512VBMI AVX512VBMI2 AVX512VNNI AVX512BITALG AVX512VPOPCNTDQ AVX512BF16 AVX512FP16)
    if(_noether_macros MATCHES "#define __${isa}__ 1")
      list(APPEND NOETHER_ISA_DEFINITIONS NOETHER_ISA_${isa})
      string(TOLOWER "${isa}" _isa_lower)
      string(REPLACE "sse4_" "sse4." _isa_lower "${_isa_lower}")
      list(APPEND NOETHER_BUILT_ISA ${_isa_lower})
    endif()
  endforeach()
endif()
string(REPLACE ";" "," NOETHER_BUILT_ISA_TEXT "${NOETHER_BUILT_ISA}")
message(STATUS "noether: NOETHER_SIMD=${NOETHER_SIMD} -> ${NOETHER_SIMD_MODE} ${NOETHER_SIMD_FLAGS} (${NOETHER_BUILT_ISA_TEXT})")

add_library(noether_cpu_check OBJECT ${CMAKE_SOURCE_DIR}/host/core/cpu_check.cpp)
target_include_directories(noether_cpu_check PRIVATE ${CMAKE_SOURCE_DIR}/include)
target_compile_definitions(noether_cpu_check PRIVATE ${NOETHER_ISA_DEFINITIONS}
                           NOETHER_BUILT_ISA="${NOETHER_BUILT_ISA_TEXT}" NOETHER_SIMD_MODE="${NOETHER_SIMD_MODE}")

function(noether_use_simd target)
  if(NOETHER_SIMD_FLAGS)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${NOETHER_SIMD_FLAGS}>)
  endif()
endfunction()
