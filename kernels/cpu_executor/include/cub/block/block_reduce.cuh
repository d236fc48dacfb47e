// cub/block/block_reduce.cuh — the CPU executor's cub::BlockReduce (NOETHER_CUDA_ON_CPU builds only).
// Same contract as CUB's: every thread of the block calls Sum / Reduce with its value; the aggregate is
// valid in thread 0 only; one barrier inside, so TempStorage may be reused only after a __syncthreads.
// The aggregate is summed in thread order (CUB's tree order differs in the last bits).
#pragma once
#include <cuda_runtime.h>

#include <cstdio>
#include <stdexcept>

namespace cub {

enum BlockReduceAlgorithm { BLOCK_REDUCE_RAKING_COMMUTATIVE_ONLY, BLOCK_REDUCE_RAKING, BLOCK_REDUCE_WARP_REDUCTIONS };

struct Sum {
  template <typename T>
  T operator()(const T& a, const T& b) const {
    return a + b;
  }
};

template <typename T, int BLOCK_DIM_X, BlockReduceAlgorithm ALGORITHM = BLOCK_REDUCE_WARP_REDUCTIONS,
          int BLOCK_DIM_Y = 1, int BLOCK_DIM_Z = 1>
class BlockReduce {
  static constexpr int kThreads = BLOCK_DIM_X * BLOCK_DIM_Y * BLOCK_DIM_Z;

 public:
  struct TempStorage {
    T slot[kThreads];
  };

  explicit BlockReduce(TempStorage& tmp) : tmp_(tmp) {
    if (int(blockDim.x) != BLOCK_DIM_X || int(blockDim.y) != BLOCK_DIM_Y || int(blockDim.z) != BLOCK_DIM_Z)
      throw std::logic_error("cub::BlockReduce: the block's dimensions differ from the template's BLOCK_DIM");
  }

  T Sum(T x) { return Reduce(x, cub::Sum()); }
  T Sum(T x, int num_valid) { return Reduce(x, cub::Sum(), num_valid); }

  template <typename Op>
  T Reduce(T x, Op op) {
    return Reduce(x, op, kThreads);
  }
  template <typename Op>
  T Reduce(T x, Op op, int num_valid) {
    const int t = int(threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z));
    tmp_.slot[t] = x;
    __syncthreads();
    if (t != 0) return x;
    T r = tmp_.slot[0];
    for (int i = 1; i < num_valid && i < kThreads; ++i) r = op(r, tmp_.slot[i]);
    return r;
  }

 private:
  TempStorage& tmp_;
};

}  // namespace cub
