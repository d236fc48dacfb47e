// mclnn/cuda.hpp — the MCLNN segment loss (paper 000, Eq. 6) and its exact θ-gradient on the GPU, batched
// over segments and pairs (kernels/mclnn/adjoint.cu): the device twin of mclnn/verlet_adjoint.hpp's
// segment_loss_and_grad_cpu for a PairMlp model, summed over a batch of B segments.
//
// Per segment b (the formulas of mclnn/verlet_adjoint.hpp), S = stride·horizon Verlet steps of dt from the data
// state (q_0, v_0), A_i(q) = −(1/m_i) Σ_{j≠i} V′(r_ij) û_ij:
//   q_{n+1} = q_n + v_n dt + ½ a_n dt²,   a_{n+1} = A(q_{n+1}),   v_{n+1} = v_n + ½ (a_n + a_{n+1}) dt
//   loss_b  = 1/(horizon·N) Σ_{k=1..horizon} Σ_i |q_{k·stride,i} − q̂_{k,i}|²
// Returned: Σ_b loss_b, and grad = Σ_b ∂loss_b/∂θ (the sum the CPU trainer's batch_loss_grad forms).
// The forward pass stores q_n, a_n of all S+1 frames on the device; the reverse pass runs one kernel per
// step with one thread per (segment, particle i): q̄_i sums its own pair terms over all j ≠ i (no atomics),
// θ̄ adds −s ∂V′/∂θ for j > i only (each unordered pair once) into the thread's own row, and the rows are
// summed by a fixed-order two-stage reduction, so the result is bitwise reproducible run to run. The row
// bodies, the layout and the reverse-pass formulas are in mclnn/rows.hpp (shared with the CPU twin).
//
// Host pointers in and out; device memory, streams and kernels stay inside kernels/. In a build without
// CUDA every function throws noether::Error after checking its arguments (host/mclnn/cuda_stand_in.cpp).
#pragma once
#include <cmath>
#include <memory>

#include "noether/core/error.hpp"
#include "noether/nn/mlp_layout.hpp"
#include "noether/physics/pair_mlp.hpp"

namespace noether {

/// A batch of B trajectory segments in HOST memory (all arrays row-major, float T).
template <typename T>
struct MclnnSegmentBatch {
  const T* q0 = nullptr;      ///< (B, N, D) data positions at each segment's first frame
  const T* v0 = nullptr;      ///< (B, N, D) data velocities there
  const T* mass = nullptr;    ///< (B, N) masses, > 0
  const T* target = nullptr;  ///< (B, horizon, N, D) data positions at the next `horizon` saved frames
  int B = 0, N = 0, D = 0;    ///< segments, particles, dimension (2 or 3)
  T dt = T(0);                ///< Verlet step (frame spacing / stride), > 0
  int stride = 1;             ///< Verlet steps per saved frame, >= 1
  int horizon = 1;            ///< saved frames compared per segment, >= 1
};

/// Throws noether::Error naming what was expected unless `batch`, `shape`, `scaling` and `params` describe
/// a valid call of cuda_mclnn_loss_and_grad. Runs on the host only; no device is touched.
template <typename T>
inline void check_mclnn_batch(const char* fn, const MlpShape& shape, const PairScaling& scaling, const T* params,
                              const MclnnSegmentBatch<T>& b) {
  check_pair_mlp_shape(shape, scaling);
  NOETHER_REQUIRE(params != nullptr, fn << ": params must be non-null (" << shape.parameter_count() << " values)");
  NOETHER_REQUIRE(b.B >= 1, fn << ": segment count B must be >= 1, got " << b.B);
  NOETHER_REQUIRE(b.N >= 1, fn << ": particle count N must be >= 1, got " << b.N);
  NOETHER_REQUIRE(b.D == 2 || b.D == 3, fn << ": dimension D must be 2 or 3, got " << b.D);
  NOETHER_REQUIRE(b.stride >= 1, fn << ": stride must be >= 1, got " << b.stride);
  NOETHER_REQUIRE(b.horizon >= 1, fn << ": horizon must be >= 1, got " << b.horizon);
  NOETHER_REQUIRE(b.dt > T(0) && std::isfinite(double(b.dt)), fn << ": dt must be finite and > 0, got " << b.dt);
  NOETHER_REQUIRE(b.q0 && b.v0 && b.mass && b.target,
                  fn << ": q0 (B, N, D), v0 (B, N, D), mass (B, N) and target (B, horizon, N, D) must be non-null");
  NOETHER_REQUIRE(double(b.B) * b.N <= 1 << 30, fn << ": B·N must be <= 2^30, got " << double(b.B) * b.N);
  NOETHER_REQUIRE(double(b.stride) * b.horizon <= 1 << 24,
                  fn << ": stride·horizon must be <= 2^24 Verlet steps, got " << double(b.stride) * b.horizon);
}

/// Device buffers and the stream of cuda_mclnn_loss_and_grad, kept between calls so that a training loop
/// allocates once (buffers only grow). Constructing one touches no device; not thread-safe.
class CudaMclnnWorkspace {
 public:
  CudaMclnnWorkspace();
  ~CudaMclnnWorkspace();
  CudaMclnnWorkspace(const CudaMclnnWorkspace&) = delete;
  CudaMclnnWorkspace& operator=(const CudaMclnnWorkspace&) = delete;
  struct Impl;  ///< defined in kernels/mclnn/adjoint.cu
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

/// Σ_b loss_b of the B segments of `batch` for the PairMlp of `shape`, `scaling` over `params`
/// (shape.parameter_count() values, nn/mlp_layout.hpp order, host memory), returned in float64; when `grad`
/// (parameter_count(), host) is non-null it is OVERWRITTEN with Σ_b ∂loss_b/∂θ. Formulas in the file
/// header. T ∈ {float, double}; θ̄ is accumulated in float64 for both. `workspace` may be null (a
/// temporary one is used). Device memory: q and a of every frame, 2·(S+1)·B·N·D values of T, and the
/// per-row θ̄, B·N·P float64 (64 segments × 3 particles × 141 parameters: 217 KB), plus O(B·N·D + P). Throws noether::Error on bad arguments (check_mclnn_batch), on any CUDA
/// error, and when a segment's loss is not finite (the rollout diverged), naming the segment.
template <typename T>
double cuda_mclnn_loss_and_grad(const MlpShape& shape, const PairScaling& scaling, const T* params,
                                const MclnnSegmentBatch<T>& batch, T* grad, CudaMclnnWorkspace* workspace = nullptr);

// Explicit instantiations (T = float, double): the one list, used by kernels/mclnn/adjoint.cu and by the stand-in
// of a build without CUDA (host/mclnn/cuda_stand_in.cpp).
#define NOETHER_MCLNN_CUDA(T)                                                                                \
  template double cuda_mclnn_loss_and_grad<T>(const MlpShape&, const PairScaling&, const T*,               \
                                              const MclnnSegmentBatch<T>&, T*, CudaMclnnWorkspace*);

}  // namespace noether
