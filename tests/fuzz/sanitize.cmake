# tests/fuzz/sanitize.cmake — compile and link flags of the sanitizer builds (docs/FUZZING.md), included by the
# top-level CMakeLists.txt before any target so that every object (the library's too) is instrumented:
#   NOETHER_SANITIZE  AddressSanitizer + UBSan for the whole test suite (scripts/test_sanitize.sh; gcc or clang)
#   NOETHER_FUZZ      the same plus libFuzzer's coverage instrumentation (fuzzer-no-link); clang only
# UBSan does not recover: the first undefined behaviour aborts the test, so nothing is only printed.
if(NOETHER_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "NOETHER_FUZZ=ON needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
endif()
set(NOETHER_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g1)
if(NOETHER_FUZZ)
  list(APPEND NOETHER_SANITIZER_FLAGS -fsanitize=fuzzer-no-link)
endif()
add_compile_options(${NOETHER_SANITIZER_FLAGS})
add_link_options(-fsanitize=address,undefined)
message(STATUS "noether: sanitizers on (${NOETHER_SANITIZER_FLAGS})")
