// physics/law_staging.cuh — the hook through which a pair law copies its parameters into the all-pairs
// kernel's dynamic shared memory at kernel start (physics/allpairs.cuh). Analytic laws (physics/pair_laws.hpp) carry
// a few scalars by value and stage nothing; a PairMlp (physics/pair_mlp.hpp) copies its flat parameter buffer
// from global memory once per block, after which every thread reads the weights from shared memory
// (all threads of a warp read the same W[o,i] at the same time: a broadcast, no bank conflicts).
//
//   SharedStaging<Law>::bytes(law)      host: dynamic shared memory the law needs (0 = none)
//   SharedStaging<Law>::stage(law, sm)  device, called by EVERY thread of the block before any
//                                       divergence: returns the law to use inside the kernel; a law
//                                       that stages ends with __syncthreads()
#pragma once
#include <cuda_runtime.h>

#include <cstddef>

#include "noether/physics/pair_mlp.hpp"

namespace noether {
namespace cuda {

/// Default: nothing to stage (analytic laws).
template <class Law>
struct SharedStaging {
  static std::size_t bytes(const Law&) { return 0; }
  __device__ static Law stage(const Law& law, unsigned char* /*smem*/) { return law; }
};

/// PairMlp: copy the P = parameter_count() parameters to shared memory (block-strided), then sync.
template <typename T, int MaxWidth>
struct SharedStaging<PairMlp<T, MaxWidth>> {
  static std::size_t bytes(const PairMlp<T, MaxWidth>& m) { return std::size_t(m.parameter_count()) * sizeof(T); }
  __device__ static PairMlp<T, MaxWidth> stage(const PairMlp<T, MaxWidth>& m, unsigned char* smem) {
    T* sh = reinterpret_cast<T*>(smem);
    const int n = m.parameter_count();
    for (int k = threadIdx.x; k < n; k += blockDim.x) sh[k] = m.params[k];
    __syncthreads();
    PairMlp<T, MaxWidth> s = m;
    s.params = sh;
    return s;
  }
};

}  // namespace cuda
}  // namespace noether
