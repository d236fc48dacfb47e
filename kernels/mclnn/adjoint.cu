// mclnn/adjoint.cu — the MCLNN segment loss and its exact θ-gradient through velocity Verlet on the GPU,
// batched over segments and pairs: cuda_mclnn_loss_and_grad of mclnn/cuda.hpp, the device twin of
// mclnn/verlet_adjoint.hpp's segment_loss_and_grad_cpu (tests/mclnn/test_cuda_parity.cpp).
//
// Every kernel runs one thread per row (segment b, particle i) and calls the row body of
// kernels/mclnn/rows.hpp, where the layout and the formulas are (the same bodies run on the CPU in
// mclnn_loss_and_grad_rows_cpu, the kernels' CPU twin):
//   forward:  S + 1 launches of mclnn_forward_frame (frame f = 0 … S): a_f, v_f, q_{f+1} per row
//   loss:     mclnn_loss_rows: Σ_k |q_{k·stride,i} − q̂_{k,i}|² per row in float64 (segments summed on the host)
//   reverse:  S + 1 launches of mclnn_adjoint_frame (f = S … 0): q̄_i over all j ≠ i (no atomics), θ̄ of pairs
//             j > i into the row's own float64 slice rows[t, ·], λ double-buffered between launches
//   θ̄:        rows (R, P) → grad (P) by a two-stage reduction in a fixed order: stage 1, each block sums a
//             chunk of kReduceRows rows per parameter in row order; stage 2, one thread per parameter sums
//             the chunks in order. No float atomics anywhere: results are bitwise reproducible run to run.
// PairMlp weights are staged in shared memory when P·sizeof(T) <= 48 KB (physics/law_staging.cuh), else read from
// global memory. Launch checks after every launch (core/cuda_check.cuh); all work on one stream, one sync per call.
//
// Cost per unordered pair per Verlet step (docs/PERFORMANCE.md): value_and_slope for both ordered pairs
// (forward), jets for both (reverse) and param_grad for one; param_grad's g += go to the row's slice of
// global memory (P·8 bytes per row, read and written once per pair j > i: L1/L2 traffic).
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <vector>

#include "core/cuda_check.cuh"
#include "core/device_util.cuh"
#include "physics/law_staging.cuh"
#include "noether/physics/cuda.hpp"
#include "noether/mclnn/cuda.hpp"
#include "mclnn/rows.hpp"

namespace noether {

/// Grow-only device buffers and the stream of cuda_mclnn_loss_and_grad (mclnn/cuda.hpp).
struct CudaMclnnWorkspace::Impl {
  enum Slot { kParams, kQ, kA, kV, kMass, kTarget, kQb, kVb, kLam0, kLam1, kRows, kPartial, kGrad, kLoss, kSlots };
  struct Raw {
    void* p = nullptr;
    std::size_t bytes = 0;
  };
  Raw raw[kSlots];
  std::unique_ptr<cuda::Stream> stream;  // reset first in ~Impl: its destructor drains the work on the buffers

  ~Impl() {
    stream.reset();
    for (Raw& r : raw)
      if (r.p) (void)cudaFree(r.p);
  }
  cudaStream_t get_stream() {
    if (!stream) stream = std::make_unique<cuda::Stream>();
    return stream->get();
  }
  /// Device pointer to at least n elements of U in `slot` (reallocated only when too small).
  template <typename U>
  U* get(Slot slot, std::size_t n) {
    const std::size_t need = std::max<std::size_t>(n, 1) * sizeof(U);
    Raw& r = raw[slot];
    if (r.bytes < need) {
      if (r.p) NOETHER_CUDA_CHECK(cudaFree(r.p));  // cudaFree waits for pending work on it
      r.p = nullptr;
      r.bytes = 0;
      NOETHER_CUDA_CHECK(cudaMalloc(&r.p, need));
      r.bytes = need;
    }
    return static_cast<U*>(r.p);
  }
};

CudaMclnnWorkspace::CudaMclnnWorkspace() : impl_(std::make_unique<Impl>()) {}
CudaMclnnWorkspace::~CudaMclnnWorkspace() = default;

namespace {

constexpr int kThreads = 128;                           // rows per block of the forward and adjoint kernels
constexpr int kReduceRows = 64;                         // rows summed by one stage-1 reduction block
constexpr int kReduceThreads = 128;                     // parameters per reduction block
constexpr std::size_t kMaxStagedBytes = 48 * 1024;      // default dynamic shared memory (no opt-in needed)

/// Stage the PairMlp weights in shared memory when `stage` (block-uniform); every thread must call this
/// before any early return (the staging ends with __syncthreads()).
template <class Mlp>
__device__ Mlp staged_mlp(const Mlp& mlp, int stage) {
  NOETHER_DYNAMIC_SHARED(unsigned char, sh_mclnn);  // P·sizeof(T) bytes when stage
  return stage ? cuda::SharedStaging<Mlp>::stage(mlp, sh_mclnn) : mlp;
}

/// Forward frame f: mclnn_forward_row for every row. q, a (S+1, B, N, D); v (B, N, D); mass (B, N).
template <typename T, int D, class Mlp>
__global__ void __launch_bounds__(kThreads)
    mclnn_forward_frame(Mlp mlp_arg, int stage, T* q, T* a, T* v, const T* mass, int B, int N, int f, int S, T dt) {
  const Mlp mlp = staged_mlp(mlp_arg, stage);
  const long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= (long long)B * N) return;
  mclnn_forward_row<T, D>(mlp, q, a, v, mass, B, N, f, S, dt, t);
}

/// loss_rows (R) = mclnn_loss_row of every row. q (S+1, B, N, D); target (B, horizon, N, D).
template <typename T, int D>
__global__ void __launch_bounds__(kThreads)
    mclnn_loss_rows(const T* q, const T* target, int B, int N, int stride, int horizon, double* loss_rows) {
  const long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= (long long)B * N) return;
  loss_rows[t] = mclnn_loss_row<T, D>(q, target, B, N, stride, horizon, t);
}

/// Reverse frame f: mclnn_adjoint_row for every row. q (S+1, B, N, D); target (B, horizon, N, D); mass (B, N);
/// lam_in, lam_out, qb, vb (B, N, D); theta_rows (R, P) float64.
template <typename T, int D, class Mlp>
__global__ void __launch_bounds__(kThreads)
    mclnn_adjoint_frame(Mlp mlp_arg, int stage, const T* q, const T* target, const T* mass, const T* lam_in,
                        T* lam_out, T* qb, T* vb, double* theta_rows, int P, int B, int N, int f, int stride,
                        int horizon, T dt, T w2) {
  const Mlp mlp = staged_mlp(mlp_arg, stage);
  const long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= (long long)B * N) return;
  mclnn_adjoint_row<T, D>(mlp, q, target, mass, lam_in, lam_out, qb, vb, theta_rows, P, B, N, f, stride, horizon,
                          dt, w2, t);
}

/// Stage 1: partial (C, P) with partial[c, p] = Σ_{r = c·kReduceRows}^{min(R, (c+1)·kReduceRows) − 1} rows[r, p]
/// in row order. Grid (C, ⌈P / kReduceThreads⌉); rows (R, P).
__global__ void __launch_bounds__(kReduceThreads)
    reduce_rows_stage1(const double* rows, long long R, int P, double* partial) {
  const long long c = blockIdx.x;
  const int p = int(blockIdx.y) * kReduceThreads + int(threadIdx.x);
  if (p >= P) return;
  const long long r0 = c * kReduceRows, r1 = min(R, r0 + kReduceRows);
  double s = 0;
  for (long long r = r0; r < r1; ++r) s += rows[std::size_t(r) * P + p];
  partial[std::size_t(c) * P + p] = s;
}

/// Stage 2: out[p] = Σ_{c = 0}^{C − 1} partial[c, p] in chunk order. partial (C, P); out (P).
__global__ void __launch_bounds__(kReduceThreads) reduce_rows_stage2(const double* partial, long long C, int P,
                                                                      double* out) {
  const int p = int(blockIdx.x) * kReduceThreads + int(threadIdx.x);
  if (p >= P) return;
  double s = 0;
  for (long long c = 0; c < C; ++c) s += partial[std::size_t(c) * P + p];
  out[p] = s;
}

/// Device pointers of one call (shapes in the file header); grad-only members are null without a gradient.
template <typename T>
struct DevicePtrs {
  T *q, *a, *v, *mass, *target;  // (S+1,B,N,D), (S+1,B,N,D), (B,N,D), (B,N), (B,horizon,N,D)
  double* loss_rows;             // (R)
  T *qb, *vb, *lam0, *lam1;      // (B,N,D) each
  double *rows, *partial, *grad; // (R,P), (C,P), (P)
};

/// Enqueue forward, loss rows and (want_grad) reverse + two-stage reduction for dimension D on `stream`.
template <typename T, int D, class Mlp>
void enqueue(const Mlp& mlp, int P, const MclnnSegmentBatch<T>& bt, const DevicePtrs<T>& d, bool want_grad,
             cudaStream_t stream) {
  const long long R = (long long)bt.B * bt.N;
  const int S = bt.stride * bt.horizon;
  const std::size_t smem = std::size_t(P) * sizeof(T);
  const int stage = smem <= kMaxStagedBytes ? 1 : 0;
  const std::size_t smem_launch = stage ? smem : 0;
  const unsigned blocks = unsigned((R + kThreads - 1) / kThreads);

  for (int f = 0; f <= S; ++f) {
    NOETHER_LAUNCH(blocks, kThreads, smem_launch, stream, mclnn_forward_frame<T, D, Mlp>)(mlp, stage, d.q, d.a, d.v, d.mass, bt.B,
                                                                              bt.N, f, S, bt.dt);
    NOETHER_CUDA_CHECK_LAUNCH();
  }
  NOETHER_LAUNCH(blocks, kThreads, 0, stream, mclnn_loss_rows<T, D>)(d.q, d.target, bt.B, bt.N, bt.stride, bt.horizon,
                                                         d.loss_rows);
  NOETHER_CUDA_CHECK_LAUNCH();
  if (!want_grad) return;

  NOETHER_CUDA_CHECK(cudaMemsetAsync(d.rows, 0, std::size_t(R) * P * sizeof(double), stream));
  const T scale = T(1) / (T(bt.horizon) * T(bt.N));
  const T w2 = T(2) * scale;  // weight 1 per segment: the batch sum
  T* lam_in = d.lam0;
  T* lam_out = d.lam1;
  for (int f = S; f >= 0; --f) {
    NOETHER_LAUNCH(blocks, kThreads, smem_launch, stream, mclnn_adjoint_frame<T, D, Mlp>)(
        mlp, stage, d.q, d.target, d.mass, lam_in, lam_out, d.qb, d.vb, d.rows, P, bt.B, bt.N, f, bt.stride,
        bt.horizon, bt.dt, w2);
    NOETHER_CUDA_CHECK_LAUNCH();
    std::swap(lam_in, lam_out);
  }
  const long long C = (R + kReduceRows - 1) / kReduceRows;
  const unsigned pblocks = unsigned((P + kReduceThreads - 1) / kReduceThreads);
  NOETHER_LAUNCH(dim3(unsigned(C), pblocks), kReduceThreads, 0, stream, reduce_rows_stage1)(d.rows, R, P, d.partial);
  NOETHER_CUDA_CHECK_LAUNCH();
  NOETHER_LAUNCH(pblocks, kReduceThreads, 0, stream, reduce_rows_stage2)(d.partial, C, P, d.grad);
  NOETHER_CUDA_CHECK_LAUNCH();
}

}  // namespace

template <typename T>
double cuda_mclnn_loss_and_grad(const MlpShape& shape, const PairScaling& scaling, const T* params,
                                const MclnnSegmentBatch<T>& bt, T* grad, CudaMclnnWorkspace* workspace) {
  const char* fn = "cuda_mclnn_loss_and_grad";
  check_mclnn_batch(fn, shape, scaling, params, bt);
  NOETHER_REQUIRE(cuda_device_available(), fn << ": no CUDA device is usable: " << cuda_device_description());
  std::unique_ptr<CudaMclnnWorkspace> own;
  if (!workspace) {
    own = std::make_unique<CudaMclnnWorkspace>();
    workspace = own.get();
  }
  using Impl = CudaMclnnWorkspace::Impl;
  Impl& w = workspace->impl();
  const int P = int(shape.parameter_count());
  const int B = bt.B, N = bt.N, D = bt.D, S = bt.stride * bt.horizon;
  const long long R = (long long)B * N;
  const std::size_t state = std::size_t(R) * D;                       // (B, N, D)
  const std::size_t frames = std::size_t(S + 1) * state;              // (S+1, B, N, D)
  const std::size_t targets = std::size_t(bt.horizon) * state;        // (B, horizon, N, D)
  const long long C = (R + kReduceRows - 1) / kReduceRows;
  const bool want_grad = grad != nullptr;

  cudaStream_t stream = w.get_stream();
  // Allocate (grow) every buffer before any work is enqueued.
  T* d_params = w.get<T>(Impl::kParams, std::size_t(P));
  DevicePtrs<T> d{};
  d.q = w.get<T>(Impl::kQ, frames);
  d.a = w.get<T>(Impl::kA, frames);
  d.v = w.get<T>(Impl::kV, state);
  d.mass = w.get<T>(Impl::kMass, std::size_t(R));
  d.target = w.get<T>(Impl::kTarget, targets);
  d.loss_rows = w.get<double>(Impl::kLoss, std::size_t(R));
  if (want_grad) {
    d.qb = w.get<T>(Impl::kQb, state);
    d.vb = w.get<T>(Impl::kVb, state);
    d.lam0 = w.get<T>(Impl::kLam0, state);
    d.lam1 = w.get<T>(Impl::kLam1, state);
    d.rows = w.get<double>(Impl::kRows, std::size_t(R) * P);
    d.partial = w.get<double>(Impl::kPartial, std::size_t(C) * P);
    d.grad = w.get<double>(Impl::kGrad, std::size_t(P));
  }
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_params, params, std::size_t(P) * sizeof(T), cudaMemcpyHostToDevice, stream));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d.q, bt.q0, state * sizeof(T), cudaMemcpyHostToDevice, stream));  // frame 0
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d.v, bt.v0, state * sizeof(T), cudaMemcpyHostToDevice, stream));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d.mass, bt.mass, std::size_t(R) * sizeof(T), cudaMemcpyHostToDevice, stream));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d.target, bt.target, targets * sizeof(T), cudaMemcpyHostToDevice, stream));

  with_pair_mlp<T>(shape, d_params, scaling, [&](const auto& mlp) {
    using Mlp = std::decay_t<decltype(mlp)>;
    if (D == 3)
      enqueue<T, 3, Mlp>(mlp, P, bt, d, want_grad, stream);
    else
      enqueue<T, 2, Mlp>(mlp, P, bt, d, want_grad, stream);
  });

  std::vector<double> loss_rows(static_cast<std::size_t>(R)), g64(want_grad ? std::size_t(P) : 0);
  NOETHER_CUDA_CHECK(
      cudaMemcpyAsync(loss_rows.data(), d.loss_rows, loss_rows.size() * sizeof(double), cudaMemcpyDeviceToHost, stream));
  if (want_grad)
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(g64.data(), d.grad, g64.size() * sizeof(double), cudaMemcpyDeviceToHost, stream));
  NOETHER_CUDA_CHECK(cudaStreamSynchronize(stream));

  const double scale = 1.0 / (double(bt.horizon) * double(N));
  double total = 0;
  for (int b = 0; b < B; ++b) {
    double seg = 0;
    for (int i = 0; i < N; ++i) seg += loss_rows[std::size_t(b) * N + i];
    seg *= scale;
    NOETHER_REQUIRE(std::isfinite(seg), fn << ": trajectory loss of segment " << b << " is not finite (the rollout of "
                                           << S << " steps of dt = " << bt.dt << " diverged)");
    total += seg;
  }
  if (want_grad)
    for (int p = 0; p < P; ++p) grad[p] = T(g64[std::size_t(p)]);
  return total;
}

NOETHER_MCLNN_CUDA(float)
NOETHER_MCLNN_CUDA(double)

}  // namespace noether
