# tests/fuzz/fuzz.cmake — one executable per loader fuzzed (tests/fuzz/fuzz_<target>.cpp, docs/FUZZING.md).
#   NOETHER_FUZZ=ON         libFuzzer binaries (clang, -fsanitize=fuzzer); scripts/fuzz.sh runs them
#   NOETHER_FUZZ_REPLAY=ON  the same sources with replay_main.cpp (any compiler): run every file of the
#                           target's corpus once, as the CTest test fuzz_replay_<target> (label "fuzz")
# Either way the corpus of tests/fuzz/corpus/<target>/ is replayed by CTest: an input that ever crashed stays a test.
set(NOETHER_FUZZ_TARGETS npy npz trajectory evaluate simulation_config train_config model_file table_file checkpoint
                         pair_laws_file
                         run_config real_pendulum)
foreach(target IN LISTS NOETHER_FUZZ_TARGETS)
  set(exe fuzz_${target})
  set(corpus ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz/corpus/${target})
  if(NOETHER_FUZZ)
    add_executable(${exe} tests/fuzz/fuzz_${target}.cpp)
    target_link_options(${exe} PRIVATE -fsanitize=fuzzer)
    add_test(NAME fuzz_replay_${target} COMMAND ${exe} -runs=0 ${corpus})
  else()
    add_executable(${exe} tests/fuzz/fuzz_${target}.cpp tests/fuzz/replay_main.cpp)
    add_test(NAME fuzz_replay_${target} COMMAND ${exe} ${corpus})
  endif()
  target_link_libraries(${exe} PRIVATE noether_core)
  target_include_directories(${exe} PRIVATE host tests)
  set_tests_properties(fuzz_replay_${target} PROPERTIES LABELS fuzz)
endforeach()
add_custom_target(fuzz_targets)
list(TRANSFORM NOETHER_FUZZ_TARGETS PREPEND fuzz_ OUTPUT_VARIABLE NOETHER_FUZZ_EXES)
add_dependencies(fuzz_targets ${NOETHER_FUZZ_EXES})
