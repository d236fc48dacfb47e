// physics/allpairs.cu — launcher of the tiled all-pairs kernel (physics/allpairs.cuh) and the driver functions
// cuda_accelerations, cuda_potential_energy and cuda_time_accelerations of physics/cuda.hpp.
#include <cstddef>

#include "physics/allpairs.cuh"
#include "core/cuda_check.cuh"
#include "core/device_util.cuh"
#include "noether/physics/cuda.hpp"
#include "physics/observables.cuh"

namespace noether {
namespace cuda {
namespace {

template <typename T, int D, class Law>
void launch_allpairs_d(const Law& law, const T* pos, const T* mass, T* acc, double* pot, int B, int N,
                       cudaStream_t stream) {
  if (acc && pot)
    launch_allpairs_law<T, D, Law, true, true>(law, pos, mass, acc, pot, B, N, stream);
  else if (acc)
    launch_allpairs_law<T, D, Law, true, false>(law, pos, mass, acc, pot, B, N, stream);
  else
    launch_allpairs_law<T, D, Law, false, true>(law, pos, mass, acc, pot, B, N, stream);
}

}  // namespace

template <typename T>
void launch_allpairs(const PairLawSpec& spec, const T* pos, const T* mass, T* acc, double* pot, int B, int N, int D,
                     cudaStream_t stream, const T* learned_params) {
  NOETHER_ASSERT(acc != nullptr || pot != nullptr);
  NOETHER_ASSERT(B >= 1 && N >= 1);
  NOETHER_ASSERT(D == 2 || D == 3);
  if (spec.kind == PotentialKind::Learned) {
    NOETHER_REQUIRE(spec.learned && learned_params, "launch_allpairs: a learned law needs its parameters on the device");
    with_pair_mlp<T>(spec.learned->shape, learned_params, spec.learned->scaling, spec.learned->tail, [&](const auto& mlp) {
      if (D == 3)
        launch_allpairs_d<T, 3>(mlp, pos, mass, acc, pot, B, N, stream);
      else
        launch_allpairs_d<T, 2>(mlp, pos, mass, acc, pot, B, N, stream);
    });
    return;
  }
  if (spec.kind == PotentialKind::Tabulated) {
    NOETHER_REQUIRE(spec.table && learned_params, "launch_allpairs: a tabulated law needs its coefficients on the device");
    const PairTable<T> table = make_pair_table<T>(*spec.table, learned_params);
    if (D == 3)
      launch_allpairs_d<T, 3>(table, pos, mass, acc, pot, B, N, stream);
    else
      launch_allpairs_d<T, 2>(table, pos, mass, acc, pot, B, N, stream);
    return;
  }
  with_analytic_pair_law<T>(spec, [&](auto law) {
    if (D == 3)
      launch_allpairs_d<T, 3>(law, pos, mass, acc, pot, B, N, stream);
    else
      launch_allpairs_d<T, 2>(law, pos, mass, acc, pot, B, N, stream);
  });
}

template void launch_allpairs<float>(const PairLawSpec&, const float*, const float*, float*, double*, int, int, int,
                                     cudaStream_t, const float*);
template void launch_allpairs<double>(const PairLawSpec&, const double*, const double*, double*, double*, int, int,
                                      int, cudaStream_t, const double*);

}  // namespace cuda

template <typename T>
void cuda_accelerations(const PairLawSpec& law, const T* pos, const T* mass, T* acc, int B, int N, int D) {
  cuda::check_shape("cuda_accelerations", B, N, D);
  const std::size_t n = std::size_t(B) * N * D, nm = std::size_t(B) * N;
  cuda::DeviceBuffer<T> d_q(n), d_m(nm), d_a(n);
  const cuda::LawParams<T> lp(law);
  cuda::Stream stream;
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_q.get(), pos, d_q.bytes(), cudaMemcpyHostToDevice, stream.get()));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_m.get(), mass, d_m.bytes(), cudaMemcpyHostToDevice, stream.get()));
  cuda::launch_allpairs<T>(law, d_q.get(), d_m.get(), d_a.get(), nullptr, B, N, D, stream.get(), lp.get());
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(acc, d_a.get(), d_a.bytes(), cudaMemcpyDeviceToHost, stream.get()));
  stream.sync();
}

template <typename T>
void cuda_potential_energy(const PairLawSpec& law, const T* pos, const T* mass, T* U, int B, int N, int D) {
  cuda::check_shape("cuda_potential_energy", B, N, D);
  const std::size_t n = std::size_t(B) * N * D, nm = std::size_t(B) * N;
  cuda::DeviceBuffer<T> d_q(n), d_m(nm);
  cuda::DeviceBuffer<double> d_u(nm), d_U{std::size_t(B)};
  std::vector<double> U64(static_cast<std::size_t>(B));
  const cuda::LawParams<T> lp(law);
  cuda::Stream stream;
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_q.get(), pos, d_q.bytes(), cudaMemcpyHostToDevice, stream.get()));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_m.get(), mass, d_m.bytes(), cudaMemcpyHostToDevice, stream.get()));
  cuda::launch_allpairs<T>(law, d_q.get(), d_m.get(), nullptr, d_u.get(), B, N, D, stream.get(), lp.get());
  cuda::launch_row_sums(d_u.get(), B, N, d_U.get(), stream.get());
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(U64.data(), d_U.get(), d_U.bytes(), cudaMemcpyDeviceToHost, stream.get()));
  stream.sync();
  for (int b = 0; b < B; ++b) U[b] = T(U64[std::size_t(b)]);
}

template <typename T>
double cuda_time_accelerations(const PairLawSpec& law, const T* pos, const T* mass, int B, int N, int D, int reps) {
  cuda::check_shape("cuda_time_accelerations", B, N, D);
  NOETHER_REQUIRE(reps >= 1, "cuda_time_accelerations: reps must be >= 1, got " << reps);
  const std::size_t n = std::size_t(B) * N * D, nm = std::size_t(B) * N;
  cuda::DeviceBuffer<T> d_q(n), d_m(nm), d_a(n);
  const cuda::LawParams<T> lp(law);
  cuda::Event start, stop;
  cuda::Stream stream;
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_q.get(), pos, d_q.bytes(), cudaMemcpyHostToDevice, stream.get()));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d_m.get(), mass, d_m.bytes(), cudaMemcpyHostToDevice, stream.get()));
  cuda::launch_allpairs<T>(law, d_q.get(), d_m.get(), d_a.get(), nullptr, B, N, D, stream.get(), lp.get());  // warm-up
  stream.sync();
  start.record(stream.get());
  for (int r = 0; r < reps; ++r)
    cuda::launch_allpairs<T>(law, d_q.get(), d_m.get(), d_a.get(), nullptr, B, N, D, stream.get(), lp.get());
  stop.record(stream.get());
  stop.sync();
  return cuda::elapsed_seconds(start, stop);
}

NOETHER_PHYSICS_CUDA_ALLPAIRS(float)
NOETHER_PHYSICS_CUDA_ALLPAIRS(double)

bool cuda_learned_rollout_available() { return true; }

}  // namespace noether
