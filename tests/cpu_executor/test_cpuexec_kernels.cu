// test_cpuexec_kernels.cu — the CPU executor's execution model (docs/CUDA_ON_CPU.md), and proof that it can
// fail: deliberately broken kernels (a missing barrier, an unguarded tail load, an early return before a
// barrier, dynamic shared memory over 48 KiB without the opt-in, a grid too large), each of which must be
// reported. Built (as C++, like kernels/*.cu) only in the NOETHER_CUDA_ON_CPU build.
#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "core/cuda_layer.cuh"

namespace {

constexpr int kTile = 64;

// ------------------------------------------------------------------------------------------------- kernels

/// out[b·T + t] = in[b·T + (T − 1 − t)]: reverse each tile through shared memory (correct).
__global__ void reverse_tiles(const float* in, float* out) {
  __shared__ float sh[kTile];
  const int t = threadIdx.x, base = blockIdx.x * kTile;
  sh[t] = in[base + t];
  __syncthreads();
  out[base + t] = sh[kTile - 1 - t];
}

/// BROKEN: the same without the barrier; threads read tile slots other threads have not written yet.
__global__ void reverse_tiles_missing_barrier(const float* in, float* out) {
  __shared__ float sh[kTile];
  const int t = threadIdx.x, base = blockIdx.x * kTile;
  sh[t] = in[base + t];
  out[base + t] = sh[kTile - 1 - t];
}

/// y[i] = 2 x[i] for i < n (correct: guarded tail).
__global__ void twice_guarded(const float* x, float* y, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = 2.f * x[i];
}

/// BROKEN: no guard; threads past n read (and write) past the end of the buffers.
__global__ void twice_unguarded(const float* x, float* y, int /*n*/) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  y[i] = 2.f * x[i];
}

/// Block sum through shared memory; threads past n contribute 0 but still reach the barriers (correct).
__global__ void block_sum(const float* x, int n, float* out) {
  __shared__ float sh[kTile];
  const int t = threadIdx.x, i = blockIdx.x * blockDim.x + t;
  sh[t] = i < n ? x[i] : 0.f;
  __syncthreads();
  if (t == 0) {
    float s = 0.f;
    for (int k = 0; k < kTile; ++k) s += sh[k];
    out[blockIdx.x] = s;
  }
}

/// BROKEN: threads past n return before the barrier the others wait at.
__global__ void block_sum_early_return(const float* x, int n, float* out) {
  __shared__ float sh[kTile];
  const int t = threadIdx.x, i = blockIdx.x * blockDim.x + t;
  if (i >= n) return;
  sh[t] = x[i];
  __syncthreads();
  if (t == 0) {
    float s = 0.f;
    for (int k = 0; k < kTile; ++k) s += sh[k];
    out[blockIdx.x] = s;
  }
}

/// out[b] = Σ dynamic shared memory after every thread fills its stride (any size of dynamic smem).
__global__ void dynamic_smem_sum(int count, float* out) {
  NOETHER_DYNAMIC_SHARED(float, sh);
  for (int k = threadIdx.x; k < count; k += blockDim.x) sh[k] = 1.f;
  __syncthreads();
  if (threadIdx.x == 0) {
    float s = 0.f;
    for (int k = 0; k < count; ++k) s += sh[k];
    out[blockIdx.x] = s;
  }
}

/// The _or / _and / _count barriers: out[0..2] of block 0.
__global__ void barrier_reductions(int* out) {
  const int t = threadIdx.x;
  const int any = __syncthreads_or(t == 5);
  const int all = __syncthreads_and(t >= 0);
  const int none = __syncthreads_and(t == 5);
  const int count = __syncthreads_count(t % 3 == 0);
  if (t == 0) out[0] = any, out[1] = all, out[2] = none, out[3] = count;
}

/// Records every thread's coordinates (3-D block and grid).
__global__ void coordinates(unsigned* out) {
  const unsigned b = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
  const unsigned t = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  const unsigned g = b * (blockDim.x * blockDim.y * blockDim.z) + t;
  out[g] = g;
}

__global__ void noop() {}

// ------------------------------------------------------------------------------------------------- helpers

template <typename T>
struct Dev {
  T* p = nullptr;
  std::size_t n;
  explicit Dev(std::size_t count) : n(count) { EXPECT_EQ(cudaMalloc(&p, count * sizeof(T)), cudaSuccess); }
  ~Dev() { cudaFree(p); }
  void put(const std::vector<T>& h) { ASSERT_EQ(cudaMemcpy(p, h.data(), n * sizeof(T), cudaMemcpyHostToDevice), cudaSuccess); }
  std::vector<T> get() const {
    std::vector<T> h(n);
    EXPECT_EQ(cudaMemcpy(h.data(), p, n * sizeof(T), cudaMemcpyDeviceToHost), cudaSuccess);
    return h;
  }
};

std::vector<float> ramp(int n, float offset) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i) v[i] = offset + float(i);
  return v;
}

std::vector<float> reversed_tiles(const std::vector<float>& in) {
  std::vector<float> out(in.size());
  for (std::size_t b = 0; b < in.size() / kTile; ++b)
    for (int t = 0; t < kTile; ++t) out[b * kTile + t] = in[b * kTile + kTile - 1 - t];
  return out;
}

}  // namespace

/// Every thread of every block adds 1 (and its global index) to counters and raises a maximum, many times: the
/// totals are exact only if the read-modify-writes are atomic across the host threads that run blocks in parallel.
__global__ void atomic_counters(int* count, unsigned* sum, int* most, int* bits, int reps) {
  const int g = int(blockIdx.x * blockDim.x + threadIdx.x);
  for (int r = 0; r < reps; ++r) {
    atomicAdd(count, 1);
    atomicAdd(sum, unsigned(g));
    atomicMax(most, g * reps + r);
    atomicOr(bits, 1 << (g % 31));
  }
}

// ------------------------------------------------------------------------------------------------- model

TEST(CpuExecModel, AtomicsAreAtomicAcrossBlocksRunningInParallel) {
  const int blocks = 64, threads = 32, reps = 200;
  Dev<int> count(1), most(1), bits(1);
  Dev<unsigned> sum(1);
  ASSERT_EQ(cudaMemset(count.p, 0, sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemset(most.p, 0, sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemset(bits.p, 0, sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemset(sum.p, 0, sizeof(unsigned)), cudaSuccess);
  NOETHER_LAUNCH(blocks, threads, 0, nullptr, atomic_counters)(count.p, sum.p, most.p, bits.p, reps);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  const unsigned n = blocks * threads;
  EXPECT_EQ(count.get()[0], int(n) * reps);
  EXPECT_EQ(sum.get()[0], unsigned(reps) * (n * (n - 1) / 2));
  EXPECT_EQ(most.get()[0], int(n - 1) * reps + reps - 1);
  EXPECT_EQ(bits.get()[0], int(0x7FFFFFFF));
}

TEST(CpuExecModel, ThreadAndBlockCoordinatesCoverA3DGridOnce) {
  const dim3 grid(3, 2, 2), block(4, 3, 2);
  const std::size_t total = 3 * 2 * 2 * 4 * 3 * 2;
  Dev<unsigned> d(total);
  NOETHER_LAUNCH(grid, block, 0, nullptr, coordinates)(d.p);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  const std::vector<unsigned> h = d.get();
  for (std::size_t g = 0; g < total; ++g) EXPECT_EQ(h[g], g);
}

TEST(CpuExecModel, StaticSharedMemoryIsPerBlockAndBarriersOrderIt) {
  const int blocks = 37;
  Dev<float> in(blocks * kTile), out(blocks * kTile);
  for (int run = 0; run < 3; ++run) {
    const std::vector<float> x = ramp(blocks * kTile, 1000.f * run);
    in.put(x);
    NOETHER_LAUNCH(blocks, kTile, 0, nullptr, reverse_tiles)(in.p, out.p);
    ASSERT_EQ(cudaGetLastError(), cudaSuccess);
    EXPECT_EQ(out.get(), reversed_tiles(x)) << "run " << run;
  }
}

TEST(CpuExecModel, SyncthreadsOrAndCount) {
  Dev<int> d(4);
  NOETHER_LAUNCH(2, 100, 0, nullptr, barrier_reductions)(d.p);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(d.get(), (std::vector<int>{1, 1, 0, 34}));
}

TEST(CpuExecModel, DynamicSharedMemoryUpTo48KiBAndBeyondWithTheOptIn) {
  Dev<float> out(3);
  const int small = 48 * 1024 / 4;
  NOETHER_LAUNCH(3, 128, small * sizeof(float), nullptr, dynamic_smem_sum)(small, out.p);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(out.get(), (std::vector<float>{float(small), float(small), float(small)}));
  const int big = 100 * 1024 / 4;
  ASSERT_EQ(cudaFuncSetAttribute(dynamic_smem_sum, cudaFuncAttributeMaxDynamicSharedMemorySize, big * 4), cudaSuccess);
  NOETHER_LAUNCH(3, 128, big * sizeof(float), nullptr, dynamic_smem_sum)(big, out.p);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(out.get(), (std::vector<float>{float(big), float(big), float(big)}));
  // The device's opt-in maximum (227 KiB) cannot be exceeded.
  EXPECT_EQ(cudaFuncSetAttribute(dynamic_smem_sum, cudaFuncAttributeMaxDynamicSharedMemorySize, 228 * 1024),
            cudaErrorInvalidValue);
  (void)cudaGetLastError();
  int optin = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, 0), cudaSuccess);
  EXPECT_EQ(optin, 227 * 1024);
}

TEST(CpuExecModel, StreamsEventsPinnedMemoryAndAsyncCopiesInOrder) {
  cudaStream_t s = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), cudaSuccess);
  cudaEvent_t a = nullptr, b = nullptr;
  ASSERT_EQ(cudaEventCreate(&a), cudaSuccess);
  ASSERT_EQ(cudaEventCreate(&b), cudaSuccess);
  float* pinned = nullptr;
  ASSERT_EQ(cudaMallocHost(&pinned, 128 * sizeof(float)), cudaSuccess);
  for (int i = 0; i < 128; ++i) pinned[i] = float(i);
  Dev<float> x(128), y(128);
  ASSERT_EQ(cudaEventRecord(a, s), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(x.p, pinned, 128 * sizeof(float), cudaMemcpyHostToDevice, s), cudaSuccess);
  NOETHER_LAUNCH(2, 64, 0, s, twice_guarded)(x.p, y.p, 128);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(pinned, y.p, 128 * sizeof(float), cudaMemcpyDeviceToHost, s), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(b, s), cudaSuccess);
  ASSERT_EQ(cudaEventSynchronize(b), cudaSuccess);
  for (int i = 0; i < 128; ++i) EXPECT_EQ(pinned[i], 2.f * float(i));
  float ms = -1.f;
  ASSERT_EQ(cudaEventElapsedTime(&ms, a, b), cudaSuccess);
  EXPECT_GE(ms, 0.f);
  // A device range outside any allocation is refused, as by the real runtime.
  std::vector<float> host(4);
  EXPECT_EQ(cudaMemcpyAsync(host.data(), host.data(), 16, cudaMemcpyHostToDevice, s), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy(host.data(), x.p, 129 * sizeof(float), cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
  (void)cudaGetLastError();
  EXPECT_EQ(cudaFreeHost(pinned), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(a), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(b), cudaSuccess);
  EXPECT_EQ(cudaStreamSynchronize(s), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(s), cudaSuccess);
  // A launch on a destroyed stream fails.
  NOETHER_LAUNCH(1, 1, 0, s, noop)();
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidResourceHandle);
}

TEST(CpuExecModel, FreshDeviceMemoryIsPoisonedWithNaN) {
  Dev<float> d(8);
  for (float v : d.get()) EXPECT_TRUE(std::isnan(v));
}

// ------------------------------------------------------------------------------------------------- broken

TEST(CpuExecBroken, MissingBarrierGivesWrongTiles) {
  const int blocks = 8;
  Dev<float> in(blocks * kTile), out(blocks * kTile);
  const std::vector<float> x = ramp(blocks * kTile, 7.f);
  in.put(x);
  NOETHER_LAUNCH(blocks, kTile, 0, nullptr, reverse_tiles_missing_barrier)(in.p, out.p);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);  // a race is not a launch error: the result shows it
  const std::vector<float> got = out.get(), want = reversed_tiles(x);
  int wrong = 0;
  for (std::size_t k = 0; k < got.size(); ++k) wrong += got[k] != want[k];
  EXPECT_GE(wrong, blocks * kTile / 4) << "threads that read slots not yet written by later threads";
}

TEST(CpuExecBroken, EarlyReturnBeforeBarrierIsADivergentBarrierError) {
  const int n = 100;  // 2 blocks of 64: 28 threads of block 1 return early
  Dev<float> x(n), out(2);
  x.put(std::vector<float>(n, 1.f));
  NOETHER_LAUNCH(2, kTile, 0, nullptr, block_sum)(x.p, n, out.p);  // the correct kernel first
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(out.get(), (std::vector<float>{64.f, 36.f}));
  NOETHER_LAUNCH(2, kTile, 0, nullptr, block_sum_early_return)(x.p, n, out.p);
  const cudaError_t e = cudaGetLastError();
  EXPECT_EQ(e, cudaErrorLaunchFailure);
  EXPECT_NE(std::string(cudaGetErrorString(e)).find("divergent __syncthreads"), std::string::npos)
      << cudaGetErrorString(e);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaErrorLaunchFailure);  // reported at the next synchronisation too
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);              // once
  (void)cudaGetLastError();
}

TEST(CpuExecBroken, DynamicSharedMemoryOver48KiBWithoutOptInFailsTheLaunch) {
  Dev<float> out(1);
  const int count = 49 * 1024 / 4;
  // noop has never had cudaFuncSetAttribute called on it.
  NOETHER_LAUNCH(1, 32, count * sizeof(float), nullptr, noop)();
  const cudaError_t e = cudaGetLastError();
  EXPECT_EQ(e, cudaErrorInvalidValue);
  EXPECT_NE(std::string(cudaGetErrorString(e)).find("cudaFuncSetAttribute"), std::string::npos)
      << cudaGetErrorString(e);
}

TEST(CpuExecBroken, BlockAndGridLimitsFailTheLaunch) {
  NOETHER_LAUNCH(1, 1025, 0, nullptr, noop)();
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  NOETHER_LAUNCH(1, dim3(32, 32, 2), 0, nullptr, noop)();
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  NOETHER_LAUNCH(dim3(1, 65536), 32, 0, nullptr, noop)();
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  NOETHER_LAUNCH(dim3(1, 1, 65536), 32, 0, nullptr, noop)();
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  NOETHER_LAUNCH(0, 32, 0, nullptr, noop)();
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  NOETHER_LAUNCH(dim3(1, 65535, 2), 1, 0, nullptr, noop)();  // at the limits: fine
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  NOETHER_LAUNCH(1, dim3(16, 16, 4), 0, nullptr, noop)();
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
}

TEST(CpuExecBroken, UnguardedTailLoadIsCaughtAtTheGuardPage) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const int n = 100;  // 400 bytes: the allocation ends exactly at its guard page
  auto run = [n](bool guarded) {
    float *x = nullptr, *y = nullptr;
    if (cudaMalloc(&x, n * sizeof(float)) != cudaSuccess || cudaMalloc(&y, n * sizeof(float)) != cudaSuccess) return;
    if (guarded)
      NOETHER_LAUNCH(1, 128, 0, nullptr, twice_guarded)(x, y, n);
    else
      NOETHER_LAUNCH(1, 128, 0, nullptr, twice_unguarded)(x, y, n);
    (void)cudaGetLastError();
    cudaFree(x);
    cudaFree(y);
  };
  run(true);  // the guarded kernel is fine
  EXPECT_DEATH(run(false), "out-of-bounds device access");
}
