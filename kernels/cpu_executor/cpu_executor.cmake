# cpu_executor.cmake — NOETHER_CUDA_ON_CPU: compile kernels/*.cu as C++ against the CPU executor
# (kernels/cpu_executor/include: cuda_runtime.h, cublas_v2.h, cub/) and run them on the CPU (docs/CUDA_ON_CPU.md).
# Included from the top-level CMakeLists.txt with NOETHER_CUDA_SOURCES set; defines noether_cpu_executor and
# noether_cuda, and the executor's own tests' sources in NOETHER_CPUEXEC_TEST_SOURCES.
find_package(Boost 1.66 REQUIRED COMPONENTS context)
find_package(OpenMP REQUIRED)

file(GLOB_RECURSE NOETHER_CPUEXEC_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/src/*.cpp)
add_library(noether_cpu_executor STATIC ${NOETHER_CPUEXEC_SOURCES})
# BEFORE: these headers must win over any CUDA toolkit include directory.
target_include_directories(noether_cpu_executor BEFORE PUBLIC ${CMAKE_CURRENT_LIST_DIR}/include)
target_compile_definitions(noether_cpu_executor PUBLIC NOETHER_CUDA_ON_CPU=1)
target_link_libraries(noether_cpu_executor PUBLIC Boost::context OpenMP::OpenMP_CXX)

# The project's kernels, the exact .cu sources, as C++.
set_source_files_properties(${NOETHER_CUDA_SOURCES} PROPERTIES LANGUAGE CXX)
add_library(noether_cuda STATIC ${NOETHER_CUDA_SOURCES})
target_compile_options(noether_cuda PRIVATE -x c++)
target_include_directories(noether_cuda PUBLIC ${CMAKE_SOURCE_DIR}/include PRIVATE ${CMAKE_SOURCE_DIR}/kernels)
target_link_libraries(noether_cuda PUBLIC noether_cpu_executor)

# The executor's own tests (shim semantics, deliberately broken kernels): C++ and .cu files, the latter as C++.
file(GLOB_RECURSE NOETHER_CPUEXEC_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cpu_executor/*.cpp
     ${CMAKE_SOURCE_DIR}/tests/cpu_executor/*.cu)
file(GLOB_RECURSE NOETHER_CPUEXEC_TEST_CU CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cpu_executor/*.cu)
if(NOETHER_CPUEXEC_TEST_CU)
  set_source_files_properties(${NOETHER_CPUEXEC_TEST_CU} PROPERTIES LANGUAGE CXX COMPILE_OPTIONS "-x;c++")
endif()
