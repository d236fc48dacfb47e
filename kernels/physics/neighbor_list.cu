// physics/neighbor_list.cu — kernels and host side of the device cell + Verlet list (physics/neighbor_list.cuh; the
// steps and the rules are in its file comment). Atomics appear only in the build (integer cell counts, cursors, the
// largest list length, the rebuild flag); every result is independent of the order in which they happen.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>

#include "core/cuda_check.cuh"
#include "core/cuda_layer.cuh"
#include "core/device_util.cuh"
#include "noether/core/error.hpp"
#include "physics/neighbor_list.cuh"

namespace noether {
namespace cuda {
namespace {

constexpr int kBoundsThreads = 256;
constexpr int kScanThreads = 1024;

/// bounds (6) ← [min x_0, min x_1, min x_2, max x_0, max x_1, max x_2] of q (N, D) in float64 (one block; min and
/// max are exact, so the result does not depend on the reduction order).
template <typename T>
__global__ void __launch_bounds__(kBoundsThreads)
    bounds_kernel(const T* __restrict__ q, int N, int D, double* __restrict__ bounds) {
  __shared__ double sh[6][kBoundsThreads];
  const int t = threadIdx.x;
  double lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
  for (int i = t; i < N; i += kBoundsThreads)
    for (int c = 0; c < D; ++c) {
      const double x = double(q[std::size_t(i) * D + c]);
      lo[c] = x < lo[c] ? x : lo[c];
      hi[c] = x > hi[c] ? x : hi[c];
    }
  for (int c = 0; c < 3; ++c) sh[c][t] = lo[c], sh[3 + c][t] = hi[c];
  __syncthreads();
  for (int s = kBoundsThreads / 2; s > 0; s >>= 1) {
    if (t < s)
      for (int c = 0; c < 3; ++c) {
        sh[c][t] = sh[c][t + s] < sh[c][t] ? sh[c][t + s] : sh[c][t];
        sh[3 + c][t] = sh[3 + c][t + s] > sh[3 + c][t] ? sh[3 + c][t + s] : sh[3 + c][t];
      }
    __syncthreads();
  }
  if (t < 6) bounds[t] = sh[t][0];
}

/// Grid parameters passed by value to the kernels.
struct GridArgs {
  int n[3];
  double lo[3], scale[3];
  bool periodic[3];
};

/// cell_of (N) ← the cell id of each particle (physics/cell_grid.hpp, cell_id_of); cell_count (cells) += 1 per member
/// (zeroed before).
template <typename T>
__global__ void cell_count_kernel(const T* __restrict__ q, int N, int D, GridArgs g, int* __restrict__ cell_of,
                                  int* __restrict__ cell_count) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= N) return;
  const int id = cell_id_of(q + std::size_t(i) * D, D, g.n, g.lo, g.scale);
  cell_of[i] = id;
  atomicAdd(cell_count + id, 1);
}

/// start (cells + 1) ← exclusive prefix sums of count (cells), start[cells] = total; cursor (cells) ← start.
/// One block of kScanThreads: thread t sums its chunk of consecutive cells, the chunk sums are scanned in shared
/// memory (Hillis–Steele, log2 kScanThreads steps), then each thread writes its chunk's prefixes.
__global__ void __launch_bounds__(kScanThreads)
    exclusive_scan_kernel(const int* __restrict__ count, int cells, int* __restrict__ start, int* __restrict__ cursor) {
  __shared__ int sh[kScanThreads];
  const int t = threadIdx.x;
  const int chunk = (cells + kScanThreads - 1) / kScanThreads;
  const int b = t * chunk < cells ? t * chunk : cells, e = b + chunk < cells ? b + chunk : cells;
  int s = 0;
  for (int k = b; k < e; ++k) s += count[k];
  sh[t] = s;
  __syncthreads();
  for (int off = 1; off < kScanThreads; off <<= 1) {
    const int add = t >= off ? sh[t - off] : 0;
    __syncthreads();
    sh[t] += add;
    __syncthreads();
  }
  int run = sh[t] - s;  // exclusive prefix of this chunk
  for (int k = b; k < e; ++k) {
    start[k] = run;
    cursor[k] = run;
    run += count[k];
  }
  if (t == kScanThreads - 1) start[cells] = sh[t];
}

/// sorted[cursor[cell_of[i]]++] = i: each particle into a slot of its cell (order inside a cell arbitrary). Thread t
/// takes particle N − 1 − t, so that on the CPU executor, which runs threads in order, a cell's slots fill in
/// descending index order and the per-cell sort below is always exercised by the tests (on a GPU the order is
/// arbitrary anyway).
__global__ void cell_scatter_kernel(const int* __restrict__ cell_of, int N, int* __restrict__ cursor,
                                    int* __restrict__ sorted) {
  const int t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= N) return;
  const int i = N - 1 - t;
  sorted[atomicAdd(cursor + cell_of[i], 1)] = i;
}

/// Sort each cell's members sorted[start[k] .. start[k+1]) ascending (insertion sort; a cell holds a few tens):
/// afterwards the order is the CPU list's counting-sort order, independent of the scatter's.
__global__ void cell_sort_kernel(const int* __restrict__ start, int cells, int* __restrict__ sorted) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= cells) return;
  const int b = start[k], e = start[k + 1];
  for (int p = b + 1; p < e; ++p) {
    const int v = sorted[p];
    int r = p - 1;
    while (r >= b && sorted[r] > v) {
      sorted[r + 1] = sorted[r];
      --r;
    }
    sorted[r + 1] = v;
  }
}

/// One thread per particle i: nbr[0 .. min(count, capacity)), i] ← every j ≠ i of the adjacent cells with minimum-image
/// r² < rl2, in the CPU scan order (z and y cells as adjacent_cells gives them, x cells ascending, each cell by
/// index); count[i] ← the full count; most ← max(most, count[i]); ref[i] ← q[i] (the skin rule's reference).
/// FLOPs per candidate j: D subtractions, D minimum images (3 each, branch-free), 2D − 1 for r², 1 compare.
template <typename T, int D>
__global__ void build_kernel(const T* __restrict__ q, int N, GridArgs g, PeriodicAxes<T> ax, T rl2,
                             const int* __restrict__ cell_of, const int* __restrict__ start,
                             const int* __restrict__ sorted, int capacity, int* __restrict__ count,
                             int* __restrict__ nbr, int* __restrict__ most, T* __restrict__ ref) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= N) return;
  T qi[D];
  for (int c = 0; c < D; ++c) qi[c] = q[std::size_t(i) * D + c], ref[std::size_t(i) * D + c] = qi[c];
  int k[3] = {0, 0, 0};
  for (int c = 0, id = cell_of[i]; c < 3; ++c) k[c] = id % g.n[c], id /= g.n[c];
  int a0[3], a1[3], a2[3];
  const int n0 = adjacent_cells(k[0], g.n[0], D > 0 && g.periodic[0], a0);
  const int n1 = adjacent_cells(k[1], g.n[1], D > 1 && g.periodic[1], a1);
  const int n2 = adjacent_cells(k[2], g.n[2], D > 2 && g.periodic[2], a2);
  for (int x = 1; x < n0; ++x)  // x cells ascending (at most 3: insertion sort), as the CPU's std::sort
    for (int y = x; y > 0 && a0[y - 1] > a0[y]; --y) {
      const int t = a0[y];
      a0[y] = a0[y - 1], a0[y - 1] = t;
    }
  int cnt = 0;
  for (int z = 0; z < n2; ++z)
    for (int y = 0; y < n1; ++y) {
      const int row = (a2[z] * g.n[1] + a1[y]) * g.n[0];
      for (int x = 0; x < n0; ++x) {
        const int e = start[row + a0[x] + 1];
        for (int p = start[row + a0[x]]; p < e; ++p) {
          const int j = sorted[p];
          T r2 = T(0);
          for (int c = 0; c < D; ++c) {
            const T d = ax.min_image_wrapped(qi[c] - q[std::size_t(j) * D + c], c);
            r2 += d * d;
          }
          if (j != i && r2 < rl2) {
            if (cnt < capacity) nbr[std::size_t(cnt) * N + i] = j;  // (capacity, N): coalesced across a warp
            ++cnt;
          }
        }
      }
    }
  count[i] = cnt;
  atomicMax(most, cnt);
}

/// flag ← 1 when some particle's minimum-image displacement from ref, |q_i − ref_i|² summed in float64, exceeds
/// lim2 = (skin / 2)² (atomicOr; flag zeroed before).
template <typename T>
__global__ void displacement_kernel(const T* __restrict__ q, const T* __restrict__ ref, int N, int D,
                                    PeriodicAxes<T> ax, double lim2, int* __restrict__ flag) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= N) return;
  double d2 = 0;
  for (int c = 0; c < D; ++c) {
    const double d = double(ax.min_image(q[std::size_t(i) * D + c] - ref[std::size_t(i) * D + c], c));
    d2 += d * d;
  }
  if (d2 > lim2) atomicOr(flag, 1);
}

unsigned blocks_for(int n, int block) { return unsigned((n + block - 1) / block); }

}  // namespace

template <typename T>
DeviceNeighborList<T>::DeviceNeighborList(const Box& box, int N, int D, double r_cut, double skin, int capacity,
                                          int block)
    : box_(box),
      ax_(box),
      N_(N),
      D_(D),
      capacity_(capacity),
      block_(block),
      r_list_(r_cut + skin),
      skin_(skin),
      cell_of_(std::size_t(N)),
      cell_count_(std::size_t(2) * N + 64),
      cell_start_(std::size_t(2) * N + 65),
      cursor_(std::size_t(2) * N + 64),
      sorted_(std::size_t(N)),
      count_(std::size_t(N)),
      flag_(2),
      bounds_(6),
      ref_(std::size_t(N) * D) {
  NOETHER_REQUIRE(N >= 1 && (D == 2 || D == 3), "device neighbor list: expected N >= 1 and D = 2 or 3");
  NOETHER_REQUIRE(r_cut > 0 && skin >= 0, "device neighbor list: expected a cutoff > 0 and a skin >= 0");
  NOETHER_REQUIRE(capacity >= 1, "device neighbor list: capacity must be >= 1, got " << capacity);
  NOETHER_REQUIRE(block >= 32 && block <= 1024 && block % 32 == 0,
                  "device neighbor list: block size must be a multiple of 32 in [32, 1024], got " << block);
  nbr_ = std::make_unique<DeviceBuffer<int>>(std::size_t(N) * capacity_);
}

template <typename T>
bool DeviceNeighborList<T>::needs_rebuild(const T* q, cudaStream_t stream) {
  if (builds_ == 0) return true;
  NOETHER_CUDA_CHECK(cudaMemsetAsync(flag_.get(), 0, sizeof(int), stream));
  NOETHER_LAUNCH(blocks_for(N_, block_), block_, 0, stream, displacement_kernel<T>)(q, ref_.get(), N_, D_, ax_,
                                                                                    0.25 * skin_ * skin_, flag_.get());
  NOETHER_CUDA_CHECK_LAUNCH();
  int flag = 0;
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(&flag, flag_.get(), sizeof(int), cudaMemcpyDeviceToHost, stream));
  NOETHER_CUDA_CHECK(cudaStreamSynchronize(stream));
  return flag != 0;
}

template <typename T>
void DeviceNeighborList<T>::build(const T* q, cudaStream_t stream) {
  // 1. region and grid (the CPU list's: physics/cell_grid.hpp)
  double lo[3] = {0, 0, 0}, ext[3] = {1, 1, 1};
  bool open = false;
  for (int c = 0; c < D_; ++c) open = open || !(box_.present && box_.periodic[c]);
  double b[6] = {0, 0, 0, 0, 0, 0};
  if (open) {
    NOETHER_LAUNCH(1, kBoundsThreads, 0, stream, bounds_kernel<T>)(q, N_, D_, bounds_.get());
    NOETHER_CUDA_CHECK_LAUNCH();
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(b, bounds_.get(), sizeof(b), cudaMemcpyDeviceToHost, stream));
    NOETHER_CUDA_CHECK(cudaStreamSynchronize(stream));
  }
  for (int c = 0; c < D_; ++c) {
    if (box_.present && box_.periodic[c]) lo[c] = 0, ext[c] = box_.L[c];
    else lo[c] = b[c], ext[c] = std::max(b[3 + c] - b[c], 1e-300);
  }
  const CellGrid grid = make_cell_grid(D_, r_list_, N_, lo, ext);
  GridArgs g{};
  for (int c = 0; c < 3; ++c) {
    g.n[c] = grid.n[c], g.lo[c] = grid.lo[c], g.scale[c] = grid.scale[c];
    g.periodic[c] = c < D_ && box_.present && box_.periodic[c];
  }
  const int cells = grid.cells();
  NOETHER_ASSERT(cells >= 1 && cells <= 2 * N_ + 64);

  // 2. counting sort by cell, members of a cell in index order
  NOETHER_CUDA_CHECK(cudaMemsetAsync(cell_count_.get(), 0, sizeof(int) * std::size_t(cells), stream));
  NOETHER_LAUNCH(blocks_for(N_, block_), block_, 0, stream, cell_count_kernel<T>)(q, N_, D_, g, cell_of_.get(),
                                                                                  cell_count_.get());
  NOETHER_CUDA_CHECK_LAUNCH();
  NOETHER_LAUNCH(1, kScanThreads, 0, stream, exclusive_scan_kernel)(cell_count_.get(), cells, cell_start_.get(),
                                                                    cursor_.get());
  NOETHER_CUDA_CHECK_LAUNCH();
  NOETHER_LAUNCH(blocks_for(N_, block_), block_, 0, stream, cell_scatter_kernel)(cell_of_.get(), N_, cursor_.get(),
                                                                                 sorted_.get());
  NOETHER_CUDA_CHECK_LAUNCH();
  NOETHER_LAUNCH(blocks_for(cells, block_), block_, 0, stream, cell_sort_kernel)(cell_start_.get(), cells,
                                                                                 sorted_.get());
  NOETHER_CUDA_CHECK_LAUNCH();

  // 3. the lists; grow and build again until the largest fits
  const T rl2 = T(r_list_ * r_list_);
  for (;;) {
    NOETHER_CUDA_CHECK(cudaMemsetAsync(flag_.get() + 1, 0, sizeof(int), stream));
    if (D_ == 3)
      NOETHER_LAUNCH(blocks_for(N_, block_), block_, 0, stream, build_kernel<T, 3>)(
          q, N_, g, ax_, rl2, cell_of_.get(), cell_start_.get(), sorted_.get(), capacity_, count_.get(), nbr_->get(),
          flag_.get() + 1, ref_.get());
    else
      NOETHER_LAUNCH(blocks_for(N_, block_), block_, 0, stream, build_kernel<T, 2>)(
          q, N_, g, ax_, rl2, cell_of_.get(), cell_start_.get(), sorted_.get(), capacity_, count_.get(), nbr_->get(),
          flag_.get() + 1, ref_.get());
    NOETHER_CUDA_CHECK_LAUNCH();
    int most = 0;
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(&most, flag_.get() + 1, sizeof(int), cudaMemcpyDeviceToHost, stream));
    NOETHER_CUDA_CHECK(cudaStreamSynchronize(stream));
    if (most <= capacity_) break;
    capacity_ = most + most / 4 + 8;  // the CPU list's growth rule: never drop a pair
    ++grows_;
    nbr_.reset();
    nbr_ = std::make_unique<DeviceBuffer<int>>(std::size_t(N_) * capacity_);
  }
  ++builds_;
}

template class DeviceNeighborList<float>;
template class DeviceNeighborList<double>;

}  // namespace cuda
}  // namespace noether
