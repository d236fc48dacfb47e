// physics/bulk_forces.cu — bulk matter on the device (GPU twin of physics/bulk.hpp's neighbor-list path and of the
// CPU bulk Verlet loop in host/physics/bulk.cpp): the force pass over the device neighbor lists
// (physics/neighbor_list.cuh), and the driver functions cuda_bulk_forces and cuda_bulk_rollout of physics/cuda.hpp.
//
// Force pass, one thread per particle i summing over its own list in list order (no atomics: deterministic, and
// independent of the block size):
//   a_i = (1/m_i) Σ_{j in list(i)} f_over_r_{s_i s_j}(r_ij) d_ij,   d_ij = minimum image of q_i − q_j,
//   u_i = Σ_{j in list(i), j > i} V_{s_i s_j}(r_ij),   w_i = Σ_{j in list(i), j > i} f_over_r r_ij²   (float64),
// so U = Σ_i u_i and W = Σ_i w_i are the CPU's bulk_energy_virial sums (the same per-particle partial sums when the
// lists are the CPU's). The laws are the CPU's CutoffLaw<T, Law> evaluators (physics/cutoff.hpp over
// physics/pair_laws.hpp, or physics/pair_table.hpp for tabulated laws, their coefficients read through the read-only
// cache), one per species pair, in a small device array laws[s_i·S + s_j].
// FLOPs per listed pair (3-D LJ with the C² switch below r_on): 3 subtractions + 9 minimum image + 5 r² + LJ
// (1 div + 9) + 6 force accumulation ≈ 33 (+ ~20 with a sqrt in the switching shell); bytes: one list entry (4) and
// q_j (3 T, mostly from L1/L2 since lists are spatially local).
//
// Rollout (one trajectory; velocity Verlet with wrapping, image counters and the skin rule, as host/physics/bulk.cpp):
//   q += v dt + ½ a dt²;  wrap (k = floor(x/L), x −= kL, n += k; physics/box.hpp, wrap_coordinate);
//   rebuild the list when some particle moved more than skin/2 since the last build;  a' = a(q);
//   v += ½ (a + a') dt.
// Saved frames: q, v, a, image counters, K, U, momentum, angular momentum (physics/observables.cu) and W come back to
// the host; the list check costs one int copied back per step.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/cuda_check.cuh"
#include "core/cuda_layer.cuh"
#include "core/device_util.cuh"
#include "noether/physics/cuda.hpp"
#include "noether/physics/cutoff.hpp"
#include "noether/physics/mixed_pair_law.hpp"
#include "physics/neighbor_list.cuh"
#include "physics/observables.cuh"
#include "physics/verlet_kernels.cuh"

namespace noether {
namespace cuda {
namespace {

constexpr int kElementwiseThreads = 256;

/// The evaluator wrapped by a CutoffLaw.
template <class>
struct wrapped_law;
template <typename T, class Law>
struct wrapped_law<CutoffLaw<T, Law>> {
  using type = Law;
};

/// acc (N, D) ← a_i; when kEnergy also u (N), w (N) (see the file comment). laws (S, S); species (N) or null
/// (all species 0); count (N), nbr (capacity, N): the device lists built for q's configuration within the skin;
/// kAllPairs: no lists (count, nbr unused), every j ≠ i in index order — the CPU's all-pairs order.
template <typename T, int D, class Law, bool kEnergy, bool kAllPairs>
__global__ void bulk_force_kernel(const CutoffLaw<T, Law>* __restrict__ laws, int S, const T* __restrict__ q,
                                  const T* __restrict__ mass, const int* __restrict__ species,
                                  const int* __restrict__ count, const int* __restrict__ nbr,
                                  PeriodicAxes<T> ax, int N, T* __restrict__ acc, double* __restrict__ u,
                                  double* __restrict__ w) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= N) return;
  T qi[D], f[D];
  for (int c = 0; c < D; ++c) qi[c] = q[std::size_t(i) * D + c], f[c] = T(0);
  const T mi = mass[i];
  const CutoffLaw<T, Law>* row = laws + std::size_t(species ? species[i] : 0) * S;
  const int cnt = kAllPairs ? N : count[i];
  double ui = 0, wi = 0;
  for (int k = 0; k < cnt; ++k) {
    const int j = kAllPairs ? k : nbr[std::size_t(k) * N + i];  // (capacity, N) layout: coalesced
    if (kAllPairs && j == i) continue;
    T d[D];
    T r2 = T(0);
    for (int c = 0; c < D; ++c) {
      d[c] = ax.min_image_wrapped(qi[c] - q[std::size_t(j) * D + c], c);  // [1 + 3 FLOPs] per component
      r2 += d[c] * d[c];                                                   // [2 FLOPs] per component
    }
    T V, f_over_r;
    row[species ? species[j] : 0].eval(r2, mi, mass[j], V, f_over_r);  // [law; LJ ≈ 10 + a div]
    for (int c = 0; c < D; ++c) f[c] += f_over_r * d[c];               // [2 FLOPs] per component
    if constexpr (kEnergy) {
      if (j > i) {
        ui += double(V);
        wi += double(f_over_r) * double(r2);
      }
    }
  }
  for (int c = 0; c < D; ++c) acc[std::size_t(i) * D + c] = f[c] / mi;
  if constexpr (kEnergy) u[i] = ui, w[i] = wi;
}

/// Wrap every periodic coordinate of q (N, D) into [0, L_c), counting whole boxes in img (N, D) (physics/box.hpp).
template <typename T>
__global__ void bulk_wrap_kernel(T* __restrict__ q, int* __restrict__ img, PeriodicAxes<T> ax, int D, std::size_t n) {
  for (std::size_t k = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; k < n;
       k += std::size_t(gridDim.x) * blockDim.x) {
    const int c = int(k % std::size_t(D));
    if (ax.L[c] > T(0)) wrap_coordinate(q[k], img[k], ax.L[c], ax.inv_L[c]);
  }
}

/// k (N) ← ½ m_i Σ_c v_ic² in float64 (summed over c in order, as the CPU thermostat's K), for one trajectory.
template <typename T>
__global__ void bulk_kinetic_kernel(const T* __restrict__ v, const T* __restrict__ mass, int N, int D,
                                    double* __restrict__ k) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= N) return;
  double ki = 0;
  for (int c = 0; c < D; ++c) {
    const double x = double(v[std::size_t(i) * D + c]);
    ki += 0.5 * double(mass[i]) * x * x;
  }
  k[i] = ki;
}

/// v (n) ← a · v: the thermostat's velocity rescaling.
template <typename T>
__global__ void bulk_scale_kernel(T* __restrict__ v, T a, std::size_t n) {
  for (std::size_t k = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; k < n;
       k += std::size_t(gridDim.x) * blockDim.x)
    v[k] *= a;
}

/// The parameter buffers of the species-pair specs (a learned law's MLP parameters, a table's coefficients), each
/// converted to T on the host (host[k], for the host-side evaluations such as a cutoff's shift) and all copied into
/// one device buffer (dev, pair k at offset[k]) that lives as long as this object.
template <typename T>
struct StagedPairBuffers {
  std::vector<std::vector<T>> host;
  std::vector<std::size_t> offset;
  DeviceBuffer<T> dev;

  explicit StagedPairBuffers(std::vector<std::vector<T>> h)
      : host(std::move(h)), offset(host.size()), dev(total_size(host)) {
    for (std::size_t k = 1; k < host.size(); ++k) offset[k] = offset[k - 1] + host[k - 1].size();
    for (std::size_t k = 0; k < host.size(); ++k)
      NOETHER_CUDA_CHECK(cudaMemcpy(dev.get() + offset[k], host[k].data(), host[k].size() * sizeof(T),
                                    cudaMemcpyHostToDevice));
  }
  const T* device(std::size_t k) const { return dev.get() + offset[k]; }

 private:
  static std::size_t total_size(const std::vector<std::vector<T>>& h) {
    std::size_t total = 0;
    for (const std::vector<T>& b : h) total += b.size();
    return total;
  }
};

/// Point a buffer-backed law at p (its parameters or coefficients).
template <typename T, int W>
void point_at_buffer(PairMlp<T, W>& law, const T* p) { law.params = p; }
template <typename T>
void point_at_buffer(PairTable<T>& law, const T* p) { law.coef = p; }
template <typename T>
void point_at_buffer(MixedPairLaw<T>& law, const T* p) { law.set_buffer(p); }

/// Check the species-pair specs and call fn(std::vector<CutoffLaw<T, Law>>) with the per-pair laws (S·S, row-major),
/// built exactly as with_species_laws builds them for the CPU: analytic laws of one kind; every pair learned
/// (PairMlp<T, W>, W ∈ {16, 32, 64} the smallest that holds the widest layer of them all, each MLP with its own
/// widths, scaling and tail); every pair tabulated (PairTable<T>); or laws of different kinds (MixedPairLaw<T>). A learned law's parameters and a table's
/// coefficients are converted to T and copied into one device buffer that lives for the call (read through the
/// read-only cache); the cutoff's shift is evaluated on the host copy first, then the law points at the device copy.
/// need_cutoff: every pair must have a cutoff (the neighbor lists).
template <typename T, typename Fn>
void with_device_species_laws(const PairLawSpec* specs, const CutoffSpec* cutoffs, int S, bool need_cutoff, Fn&& fn) {
  NOETHER_REQUIRE(S >= 1 && specs && cutoffs, "bulk on the device: expected S >= 1 species and S·S pair laws");
  const std::size_t n = std::size_t(S) * S;
  for (std::size_t k = 0; k < n; ++k)
    NOETHER_REQUIRE(!need_cutoff || cutoffs[k].active(), "bulk on the device: every species pair needs a cutoff (pair "
                                                             << k / S << "-" << k % S << " has none)");
  const bool mixed = pair_law_kinds_differ(std::vector<PairLawSpec>(specs, specs + n));
  if (mixed || pair_law_has_buffer(specs[0])) {
    std::vector<std::vector<T>> host;
    for (std::size_t k = 0; k < n; ++k) host.push_back(pair_law_buffer<T>(specs[k], "bulk on the device"));
    const StagedPairBuffers<T> staged(std::move(host));
    // each law built over its host copy (a cutoff's shift is evaluated there), then pointed at its device copy
    const auto stage = [&](auto&& make_law) {
      using Law = std::decay_t<decltype(make_law(std::size_t(0), staged.host[0].data()))>;
      std::vector<CutoffLaw<T, Law>> laws;
      for (std::size_t k = 0; k < n; ++k) {
        CutoffLaw<T, Law> law(make_law(k, staged.host[k].data()), cutoffs[k]);
        point_at_buffer(law.law, staged.device(k));
        laws.push_back(law);
      }
      fn(laws);
    };
    if (mixed) {
      stage([&](std::size_t k, const T* b) { return make_mixed_pair_law<T>(specs[k], b); });
    } else if (specs[0].kind == PotentialKind::Learned) {
      with_learned_width(specs, n, [&](auto w) {
        constexpr int W = decltype(w)::value;
        stage([&](std::size_t k, const T* b) {
          const LearnedPotential& L = *specs[k].learned;
          return make_pair_mlp<T, W>(L.shape, b, L.scaling, L.tail);
        });
      });
    } else {
      stage([&](std::size_t k, const T* b) { return make_pair_table<T>(*specs[k].table, b); });
    }
    return;
  }
  with_analytic_pair_law<T>(specs[0], [&](auto first) {
    using Law = std::decay_t<decltype(first)>;
    std::vector<CutoffLaw<T, Law>> laws;
    for (int k = 0; k < S * S; ++k)
      with_analytic_pair_law<T>(specs[k], [&](auto law) {
        if constexpr (std::is_same_v<std::decay_t<decltype(law)>, Law>) laws.push_back(CutoffLaw<T, Law>(law, cutoffs[k]));
      });
    NOETHER_REQUIRE(int(laws.size()) == S * S, "bulk on the device: every species pair needs a law of one kind");
    fn(laws);
  });
}

/// Device state of one bulk trajectory: q, v, a, a' (swapped, never copied), masses, species, image counters,
/// per-particle potential and virial, the species-pair laws and the neighbor list. The stream is the last member:
/// destroyed (drained) first.
template <typename T, class Law>
class BulkDevice {
  static_assert(std::is_trivially_copyable_v<CutoffLaw<T, Law>>, "the laws are copied to the device byte for byte");

 public:
  /// opt.all_pairs: no neighbor list (every j ≠ i); else the cell + Verlet list for the largest cutoff r_cut.
  BulkDevice(const std::vector<CutoffLaw<T, Law>>& laws, int S, const Box& box, double r_cut, const T* pos,
             const T* vel, const T* mass, const int* species, int N, int D, const CudaNeighborOptions& opt)
      : S_(S),
        N_(N),
        D_(D),
        n_(std::size_t(N) * D),
        block_(opt.block),
        ax_(box),
        laws_(laws.size()),
        q_(n_),
        v_(n_),
        a0_(n_),
        a1_(n_),
        m_(std::size_t(N)),
        sp_(species ? std::size_t(N) : 0),
        img_(n_),
        u_(std::size_t(N)),
        w_(std::size_t(N)),
        k_(std::size_t(N)),
        K_(1),
        nl_(opt.all_pairs ? nullptr
                          : std::make_unique<DeviceNeighborList<T>>(box, N, D, r_cut, opt.skin, opt.capacity, opt.block)) {
    cudaStream_t s = stream_.get();
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(laws_.get(), laws.data(), laws_.bytes(), cudaMemcpyHostToDevice, s));
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(q_.get(), pos, q_.bytes(), cudaMemcpyHostToDevice, s));
    if (vel) NOETHER_CUDA_CHECK(cudaMemcpyAsync(v_.get(), vel, v_.bytes(), cudaMemcpyHostToDevice, s));
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(m_.get(), mass, m_.bytes(), cudaMemcpyHostToDevice, s));
    if (species) NOETHER_CUDA_CHECK(cudaMemcpyAsync(sp_.get(), species, sp_.bytes(), cudaMemcpyHostToDevice, s));
    NOETHER_CUDA_CHECK(cudaMemsetAsync(img_.get(), 0, img_.bytes(), s));
    a_ = a0_.get(), a_new_ = a1_.get();
  }

  /// Wrap the positions (image counters += whole boxes moved).
  void wrap() {
    NOETHER_LAUNCH(elementwise_blocks(n_, kElementwiseThreads), kElementwiseThreads, 0, stream_.get(),
                   bulk_wrap_kernel<T>)(q_.get(), img_.get(), ax_, D_, n_);
    NOETHER_CUDA_CHECK_LAUNCH();
  }

  /// out ← a(q), rebuilding the list first if the skin rule asks (all pairs: no list); with_energy: u, w too.
  void forces(T* out, bool with_energy) {
    if (nl_ && nl_->needs_rebuild(q_.get(), stream_.get())) nl_->build(q_.get(), stream_.get());
    const unsigned blocks = unsigned((N_ + block_ - 1) / block_);
    const int* sp = sp_.size() ? sp_.get() : nullptr;
    const int* count = nl_ ? nl_->count() : nullptr;
    const int* nbr = nl_ ? nl_->nbr() : nullptr;
#define NOETHER_BULK_LAUNCH(Dim, E, A)                                                                                \
  NOETHER_LAUNCH(blocks, block_, 0, stream_.get(), bulk_force_kernel<T, Dim, Law, E, A>)(                            \
      laws_.get(), S_, q_.get(), m_.get(), sp, count, nbr, ax_, N_, out, u_.get(), w_.get())
#define NOETHER_BULK_LAUNCH_E(Dim, A) \
  if (with_energy) NOETHER_BULK_LAUNCH(Dim, true, A); \
  else NOETHER_BULK_LAUNCH(Dim, false, A)
    if (D_ == 3) {
      if (nl_) NOETHER_BULK_LAUNCH_E(3, false);
      else NOETHER_BULK_LAUNCH_E(3, true);
    } else {
      if (nl_) NOETHER_BULK_LAUNCH_E(2, false);
      else NOETHER_BULK_LAUNCH_E(2, true);
    }
#undef NOETHER_BULK_LAUNCH_E
#undef NOETHER_BULK_LAUNCH
    NOETHER_CUDA_CHECK_LAUNCH();
  }

  /// The thermostat's step: K = Σ_i ½ m_i |v_i|² (float64, on the device), a = scale(K) on the host, v ← a v.
  /// One double comes back (the stream is synchronised).
  void rescale_velocities(const std::function<double(double)>& scale) {
    const unsigned blocks = unsigned((N_ + block_ - 1) / block_);
    NOETHER_LAUNCH(blocks, block_, 0, stream_.get(), bulk_kinetic_kernel<T>)(v_.get(), m_.get(), N_, D_, k_.get());
    NOETHER_CUDA_CHECK_LAUNCH();
    launch_row_sums(k_.get(), 1, N_, K_.get(), stream_.get());
    double K = 0;
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(&K, K_.get(), sizeof(double), cudaMemcpyDeviceToHost, stream_.get()));
    stream_.sync();
    const T a = T(scale(K));
    NOETHER_LAUNCH(elementwise_blocks(n_, kElementwiseThreads), kElementwiseThreads, 0, stream_.get(),
                   bulk_scale_kernel<T>)(v_.get(), a, n_);
    NOETHER_CUDA_CHECK_LAUNCH();
  }

  /// One velocity-Verlet step; with_energy: u, w of the new state.
  void step(T dt, bool with_energy) {
    const unsigned blocks = elementwise_blocks(n_, kElementwiseThreads);
    NOETHER_LAUNCH(blocks, kElementwiseThreads, 0, stream_.get(), verlet_drift_kernel<T>)(q_.get(), v_.get(), a_, dt, n_);
    NOETHER_CUDA_CHECK_LAUNCH();
    wrap();
    forces(a_new_, with_energy);
    NOETHER_LAUNCH(blocks, kElementwiseThreads, 0, stream_.get(), verlet_kick_kernel<T>)(v_.get(), a_, a_new_, dt, n_);
    NOETHER_CUDA_CHECK_LAUNCH();
    std::swap(a_, a_new_);
  }

  cudaStream_t stream() const { return stream_.get(); }
  T* a() const { return a_; }
  const T* q() const { return q_.get(); }
  const T* v() const { return v_.get(); }
  const T* m() const { return m_.get(); }
  const int* img() const { return img_.get(); }
  const double* u() const { return u_.get(); }
  const double* w() const { return w_.get(); }
  /// The neighbor list; null for all pairs.
  const DeviceNeighborList<T>* list() const { return nl_.get(); }
  void sync() const { stream_.sync(); }

 private:
  int S_, N_, D_;
  std::size_t n_;
  int block_;
  PeriodicAxes<T> ax_;
  DeviceBuffer<CutoffLaw<T, Law>> laws_;
  DeviceBuffer<T> q_, v_, a0_, a1_, m_;
  DeviceBuffer<int> sp_, img_;
  DeviceBuffer<double> u_, w_, k_, K_;
  std::unique_ptr<DeviceNeighborList<T>> nl_;
  T* a_ = nullptr;
  T* a_new_ = nullptr;
  Stream stream_;
};

double max_cutoff(const CutoffSpec* cutoffs, int S) {
  double m = 0;
  for (int k = 0; k < S * S; ++k) m = std::max(m, cutoffs[k].cutoff);
  return m;
}

void check_options(const char* fn, const CudaNeighborOptions& opt) {
  NOETHER_REQUIRE(std::isfinite(opt.skin) && opt.skin >= 0, fn << ": skin must be finite and >= 0, got " << opt.skin);
  NOETHER_REQUIRE(opt.capacity >= 1, fn << ": capacity must be >= 1, got " << opt.capacity);
  NOETHER_REQUIRE(opt.block >= 32 && opt.block <= 1024 && opt.block % 32 == 0,
                  fn << ": block must be a multiple of 32 in [32, 1024], got " << opt.block);
}

}  // namespace
}  // namespace cuda

template <typename T>
void cuda_bulk_forces(const PairLawSpec* laws, const CutoffSpec* cutoffs, int S, const Box& box, const T* pos,
                      const T* mass, const int* species, int N, int D, const CudaNeighborOptions& opt, T* acc,
                      double* U, double* W, CudaNeighborListCopy* list) {
  cuda::check_shape("cuda_bulk_forces", 1, N, D);
  cuda::check_options("cuda_bulk_forces", opt);
  cuda::with_device_species_laws<T>(laws, cutoffs, S, !opt.all_pairs, [&](const auto& device_laws) {
    using Law = typename std::decay_t<decltype(device_laws)>::value_type;
    cuda::BulkDevice<T, typename cuda::wrapped_law<Law>::type> dev(device_laws, S, box, cuda::max_cutoff(cutoffs, S), pos, nullptr,
                                                    mass, species, N, D, opt);
    dev.forces(dev.a(), U || W);
    const cudaStream_t s = dev.stream();
    if (acc) NOETHER_CUDA_CHECK(cudaMemcpyAsync(acc, dev.a(), std::size_t(N) * D * sizeof(T), cudaMemcpyDeviceToHost, s));
    std::vector<double> u(static_cast<std::size_t>(N)), w(static_cast<std::size_t>(N));
    std::vector<int> tnbr;
    if (U || W) {
      NOETHER_CUDA_CHECK(cudaMemcpyAsync(u.data(), dev.u(), u.size() * sizeof(double), cudaMemcpyDeviceToHost, s));
      NOETHER_CUDA_CHECK(cudaMemcpyAsync(w.data(), dev.w(), w.size() * sizeof(double), cudaMemcpyDeviceToHost, s));
    }
    if (list && !dev.list()) *list = CudaNeighborListCopy{};  // all pairs: no list
    if (list && dev.list()) {
      const cuda::DeviceNeighborList<T>& nl = *dev.list();
      list->capacity = nl.capacity();
      list->builds = nl.builds();
      list->grows = nl.grows();
      list->count.resize(std::size_t(N));
      list->nbr.resize(std::size_t(N) * nl.capacity());
      tnbr.resize(list->nbr.size());
      NOETHER_CUDA_CHECK(cudaMemcpyAsync(list->count.data(), nl.count(), sizeof(int) * std::size_t(N),
                                         cudaMemcpyDeviceToHost, s));
      NOETHER_CUDA_CHECK(cudaMemcpyAsync(tnbr.data(), nl.nbr(), sizeof(int) * tnbr.size(), cudaMemcpyDeviceToHost, s));
    }
    dev.sync();
    if (list && dev.list())  // (capacity, N) on the device → (N, capacity) for the caller
      for (int k = 0; k < list->capacity; ++k)
        for (int i = 0; i < N; ++i) list->nbr[std::size_t(i) * list->capacity + k] = tnbr[std::size_t(k) * N + i];
    if (U) {  // per-particle partial sums added in particle order, as bulk_energy_virial
      *U = 0;
      for (int i = 0; i < N; ++i) *U += u[std::size_t(i)];
    }
    if (W) {
      *W = 0;
      for (int i = 0; i < N; ++i) *W += w[std::size_t(i)];
    }
  });
}

template <typename T>
void cuda_bulk_rollout(const PairLawSpec* laws, const CutoffSpec* cutoffs, int S, const Box& box, const T* pos0,
                       const T* vel0, const T* mass, const int* species, int N, int D, T dt, long stride, int frames,
                       const CudaNeighborOptions& opt, T* pos_out, T* vel_out, T* acc_out, int* img_out,
                       std::vector<FrameObservables>& obs, double* virial_out, CudaNeighborListCopy* stats,
                       const std::function<double(double)>& velocity_scale) {
  cuda::check_shape("cuda_bulk_rollout", 1, N, D);
  cuda::check_options("cuda_bulk_rollout", opt);
  NOETHER_REQUIRE(frames >= 1, "cuda_bulk_rollout: frames must be >= 1, got " << frames);
  NOETHER_REQUIRE(stride >= 1, "cuda_bulk_rollout: stride must be >= 1, got " << stride);
  NOETHER_REQUIRE(std::isfinite(double(dt)) && dt > T(0), "cuda_bulk_rollout: dt must be finite and > 0, got " << dt);
  const std::size_t per = std::size_t(N) * D;
  const int Wd = cuda::observables_width(D), A = angular_components(D);
  obs.assign(std::size_t(frames), FrameObservables{});
  cuda::with_device_species_laws<T>(laws, cutoffs, S, !opt.all_pairs, [&](const auto& device_laws) {
    using Law = typename std::decay_t<decltype(device_laws)>::value_type;
    cuda::DeviceBuffer<double> d_obs(static_cast<std::size_t>(Wd)), d_W(1);
    cuda::DeviceBuffer<int> d_bad(1);
    cuda::BulkDevice<T, typename cuda::wrapped_law<Law>::type> dev(device_laws, S, box, cuda::max_cutoff(cutoffs, S), pos0, vel0, mass,
                                                    species, N, D, opt);
    const cudaStream_t st = dev.stream();
    std::vector<double> row(static_cast<std::size_t>(Wd));
    const auto record = [&](int f) {
      cuda::launch_frame_observables<T>(dev.q(), dev.v(), dev.a(), dev.m(), dev.u(), 1, N, D, d_obs.get(), d_bad.get(),
                                        st);
      cuda::launch_row_sums(dev.w(), 1, N, d_W.get(), st);
      const std::size_t dst = std::size_t(f) * per;
      int bad = 0;
      NOETHER_CUDA_CHECK(cudaMemcpyAsync(pos_out + dst, dev.q(), per * sizeof(T), cudaMemcpyDeviceToHost, st));
      NOETHER_CUDA_CHECK(cudaMemcpyAsync(vel_out + dst, dev.v(), per * sizeof(T), cudaMemcpyDeviceToHost, st));
      NOETHER_CUDA_CHECK(cudaMemcpyAsync(acc_out + dst, dev.a(), per * sizeof(T), cudaMemcpyDeviceToHost, st));
      NOETHER_CUDA_CHECK(cudaMemcpyAsync(img_out + dst, dev.img(), per * sizeof(int), cudaMemcpyDeviceToHost, st));
      NOETHER_CUDA_CHECK(cudaMemcpyAsync(row.data(), d_obs.get(), row.size() * sizeof(double), cudaMemcpyDeviceToHost, st));
      NOETHER_CUDA_CHECK(cudaMemcpyAsync(virial_out + f, d_W.get(), sizeof(double), cudaMemcpyDeviceToHost, st));
      NOETHER_CUDA_CHECK(cudaMemcpyAsync(&bad, d_bad.get(), sizeof(int), cudaMemcpyDeviceToHost, st));
      dev.sync();
      if (bad)
        NOETHER_FAIL("simulation became non-finite (NaN/Inf) on the device before saved frame "
                     << f << ", step " << long(f) * stride << " (time step too large, or overlapping particles?)");
      FrameObservables& o = obs[std::size_t(f)];
      o.kinetic = {row[0]};
      o.potential = {row[1]};
      o.momentum.assign(row.begin() + 2, row.begin() + 2 + D);
      o.angular.assign(row.begin() + 2 + D, row.begin() + 2 + D + A);
    };
    dev.wrap();
    dev.forces(dev.a(), true);
    record(0);
    for (int f = 1; f < frames; ++f) {
      for (long s = 0; s < stride; ++s) {
        dev.step(dt, s + 1 == stride);
        if (velocity_scale) dev.rescale_velocities(velocity_scale);
      }
      record(f);
    }
    if (stats) {
      *stats = CudaNeighborListCopy{};
      if (dev.list()) {
        stats->builds = dev.list()->builds();
        stats->grows = dev.list()->grows();
        stats->capacity = dev.list()->capacity();
      }
    }
  });
}

NOETHER_PHYSICS_CUDA_BULK(float)
NOETHER_PHYSICS_CUDA_BULK(double)

}  // namespace noether
