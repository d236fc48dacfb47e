// physics/pair_mlp_forces.cu — the learned pair potential (PairMlp) inside the tiled all-pairs kernel
// (physics/allpairs.cuh): driver functions cuda_mlp_accelerations, cuda_mlp_potential_energy and
// cuda_time_mlp_accelerations of physics/cuda.hpp. Parameters are copied to the device once per call
// and staged in shared memory once per block (physics/law_staging.cuh). Kernels are instantiated for T ∈
// {float, double}, D ∈ {2, 3}, MaxWidth ∈ {16, 32, 64}, and (acc only) or (potential only).
//
// Performance note (ptxas -v, sm_90, not yet measured on a device): widths are runtime values, so each
// thread's activation arrays (h, h_r, z, z_r: 4·MaxWidth values) live in local memory (L1-cached), e.g.
// a 416-byte stack frame for float/MaxWidth 16. A compile-time-width variant for the common shapes
// ([1,16,16,1]) that keeps them in registers is the next step if the bench shows it matters.
#include <cstddef>
#include <type_traits>
#include <vector>

#include "physics/allpairs.cuh"
#include "core/cuda_check.cuh"
#include "core/device_util.cuh"
#include "noether/physics/cuda.hpp"
#include "physics/observables.cuh"

namespace noether {
namespace {

/// Launch the MLP all-pairs kernel for accelerations (acc != null) or pair energies (pot != null).
/// d_params (P), pos (B, N, D), mass (B, N), acc (B, N, D), pot (B, N): device pointers.
template <typename T>
void launch_mlp(const MlpShape& shape, const T* d_params, const PairScaling& scaling, const T* pos, const T* mass,
                T* acc, double* pot, int B, int N, int D, cudaStream_t stream) {
  NOETHER_ASSERT((acc != nullptr) != (pot != nullptr));
  with_pair_mlp<T>(shape, d_params, scaling, [&](const auto& mlp) {
    using Law = std::decay_t<decltype(mlp)>;
    if (acc) {
      if (D == 3)
        cuda::launch_allpairs_law<T, 3, Law, true, false>(mlp, pos, mass, acc, nullptr, B, N, stream);
      else
        cuda::launch_allpairs_law<T, 2, Law, true, false>(mlp, pos, mass, acc, nullptr, B, N, stream);
    } else {
      if (D == 3)
        cuda::launch_allpairs_law<T, 3, Law, false, true>(mlp, pos, mass, nullptr, pot, B, N, stream);
      else
        cuda::launch_allpairs_law<T, 2, Law, false, true>(mlp, pos, mass, nullptr, pot, B, N, stream);
    }
  });
}

/// Shape, scaling and argument checks before any device work.
void check_mlp_call(const char* fn, const MlpShape& shape, const PairScaling& scaling, const void* params, int B,
                    int N, int D) {
  cuda::check_shape(fn, B, N, D);
  check_pair_mlp_shape(shape, scaling);
  NOETHER_REQUIRE(params != nullptr, fn << ": params must be non-null");
}

}  // namespace

template <typename T>
void cuda_mlp_accelerations(const MlpShape& shape, const T* params, const PairScaling& scaling, const T* pos,
                            const T* mass, T* acc, int B, int N, int D) {
  check_mlp_call("cuda_mlp_accelerations", shape, scaling, params, B, N, D);
  const std::size_t n = std::size_t(B) * N * D, nm = std::size_t(B) * N;
  cuda::DeviceBuffer<T> d_p(shape.parameter_count()), d_q(n), d_m(nm), d_a(n);
  cuda::Stream stream;
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_p.get(), params, d_p.bytes(), cudaMemcpyHostToDevice, stream.get()));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_q.get(), pos, d_q.bytes(), cudaMemcpyHostToDevice, stream.get()));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_m.get(), mass, d_m.bytes(), cudaMemcpyHostToDevice, stream.get()));
  launch_mlp<T>(shape, d_p.get(), scaling, d_q.get(), d_m.get(), d_a.get(), nullptr, B, N, D, stream.get());
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(acc, d_a.get(), d_a.bytes(), cudaMemcpyDeviceToHost, stream.get()));
  stream.sync();
}

template <typename T>
void cuda_mlp_potential_energy(const MlpShape& shape, const T* params, const PairScaling& scaling, const T* pos,
                               const T* mass, T* U, int B, int N, int D) {
  check_mlp_call("cuda_mlp_potential_energy", shape, scaling, params, B, N, D);
  const std::size_t n = std::size_t(B) * N * D, nm = std::size_t(B) * N;
  cuda::DeviceBuffer<T> d_p(shape.parameter_count()), d_q(n), d_m(nm);
  cuda::DeviceBuffer<double> d_u(nm), d_U{std::size_t(B)};
  std::vector<double> U64(static_cast<std::size_t>(B));
  cuda::Stream stream;
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_p.get(), params, d_p.bytes(), cudaMemcpyHostToDevice, stream.get()));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_q.get(), pos, d_q.bytes(), cudaMemcpyHostToDevice, stream.get()));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_m.get(), mass, d_m.bytes(), cudaMemcpyHostToDevice, stream.get()));
  launch_mlp<T>(shape, d_p.get(), scaling, d_q.get(), d_m.get(), nullptr, d_u.get(), B, N, D, stream.get());
  cuda::launch_row_sums(d_u.get(), B, N, d_U.get(), stream.get());
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(U64.data(), d_U.get(), d_U.bytes(), cudaMemcpyDeviceToHost, stream.get()));
  stream.sync();
  for (int b = 0; b < B; ++b) U[b] = T(U64[std::size_t(b)]);
}

template <typename T>
double cuda_time_mlp_accelerations(const MlpShape& shape, const T* params, const PairScaling& scaling, const T* pos,
                                   const T* mass, int B, int N, int D, int reps) {
  check_mlp_call("cuda_time_mlp_accelerations", shape, scaling, params, B, N, D);
  NOETHER_REQUIRE(reps >= 1, "cuda_time_mlp_accelerations: reps must be >= 1, got " << reps);
  const std::size_t n = std::size_t(B) * N * D, nm = std::size_t(B) * N;
  cuda::DeviceBuffer<T> d_p(shape.parameter_count()), d_q(n), d_m(nm), d_a(n);
  cuda::Event start, stop;
  cuda::Stream stream;
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_p.get(), params, d_p.bytes(), cudaMemcpyHostToDevice, stream.get()));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_q.get(), pos, d_q.bytes(), cudaMemcpyHostToDevice, stream.get()));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_m.get(), mass, d_m.bytes(), cudaMemcpyHostToDevice, stream.get()));
  launch_mlp<T>(shape, d_p.get(), scaling, d_q.get(), d_m.get(), d_a.get(), nullptr, B, N, D, stream.get());  // warm-up
  stream.sync();
  start.record(stream.get());
  for (int r = 0; r < reps; ++r)
    launch_mlp<T>(shape, d_p.get(), scaling, d_q.get(), d_m.get(), d_a.get(), nullptr, B, N, D, stream.get());
  stop.record(stream.get());
  stop.sync();
  return cuda::elapsed_seconds(start, stop);
}

NOETHER_PHYSICS_CUDA_PAIR_MLP(float)
NOETHER_PHYSICS_CUDA_PAIR_MLP(double)

}  // namespace noether
