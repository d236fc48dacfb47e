// noether_cpu/launch.hpp — kernel launches on the CPU executor: NOETHER_LAUNCH and NOETHER_DYNAMIC_SHARED for
// NOETHER_CUDA_ON_CPU builds (kernels/core/cuda_layer.cuh picks these or the nvcc ones). docs/CUDA_ON_CPU.md.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

namespace noether_cpu {

/// One launch's configuration as given at the call site.
struct LaunchConfig {
  dim3 grid, block;
  std::size_t smem;
  cudaStream_t stream;
  const void* func;  // identifies the kernel (cudaFuncSetAttribute)
};

/// Type-erased body of one GPU thread: calls the kernel with the launch's arguments.
using ThreadBody = void (*)(const void* closure);

/// Check the configuration (block / grid limits, dynamic shared memory against the kernel's opt-in) and run
/// every block of the grid, each thread as a fiber; errors become CUDA errors (cudaGetLastError and the
/// stream's next synchronisation), as on a GPU.
void launch(const LaunchConfig& cfg, ThreadBody body, const void* closure);

/// This block's dynamic shared memory (16-byte aligned, cfg.smem bytes; null when 0).
unsigned char* dynamic_shared_memory();

template <typename... P>
class Launch {
 public:
  Launch(const LaunchConfig& cfg, void (*k)(P...)) : cfg_(cfg), k_(k) {}
  template <typename... A>
  void operator()(A&&... a) const {
    static_assert(sizeof...(A) == sizeof...(P), "NOETHER_LAUNCH: wrong number of kernel arguments");
    // Kernel arguments are copied once at launch (as CUDA copies them to the parameter space).
    const Closure c{k_, std::tuple<std::decay_t<P>...>(std::forward<A>(a)...)};
    launch(cfg_, &Launch::run, &c);
  }

 private:
  struct Closure {
    void (*k)(P...);
    std::tuple<std::decay_t<P>...> args;
  };
  static void run(const void* p) {
    const Closure& c = *static_cast<const Closure*>(p);
    std::apply(c.k, c.args);
  }
  LaunchConfig cfg_;
  void (*k_)(P...);
};

template <typename... P>
Launch<P...> make_launch(dim3 grid, dim3 block, std::size_t smem, cudaStream_t stream, void (*k)(P...)) {
  return Launch<P...>(LaunchConfig{grid, block, smem, stream, reinterpret_cast<const void*>(k)}, k);
}

}  // namespace noether_cpu

#define NOETHER_LAUNCH(grid, block, smem, stream, ...) \
  ::noether_cpu::make_launch((grid), (block), (smem), (stream), __VA_ARGS__)
#define NOETHER_DYNAMIC_SHARED(type, name) \
  type* const name = reinterpret_cast<type*>(::noether_cpu::dynamic_shared_memory())
