// physics/rollout.cu — velocity Verlet that stays on the device (GPU twin of verlet_steps_cpu):
//   q' = q + v dt + ½ a dt²;   a' = a(q');   v' = v + ½ (a + a') dt
// per step: one element-wise kernel and one all-pairs kernel. The kick of step s and the drift of
// step s+1 are fused into one kernel inside a run of steps (each element's arithmetic is the same as
// unfused, in the same order as the CPU loop); a lone kick closes the run so that saved frames hold
// the synchronised (q, v, a). The two acceleration buffers are swapped, never copied.
//
// cuda_verlet_rollout saves `frames` frames `stride` steps apart. A saved frame is copied into one of
// two pinned staging buffers on the stream, together with its observables (reduced on the device,
// physics/observables.cu) and non-finite flags; the host scatters frame f into the caller's arrays while the
// device already integrates frame f+1.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <utility>
#include <vector>

#include "physics/allpairs.cuh"
#include "core/cuda_check.cuh"
#include "core/device_util.cuh"
#include "noether/physics/cuda.hpp"
#include "physics/observables.cuh"
#include "physics/verlet_kernels.cuh"

namespace noether {
namespace cuda {
namespace {

/// Device state of a batch under velocity Verlet: q, v, a (and a spare acceleration buffer), masses,
/// per-particle potentials. Members are declared so that the stream is destroyed (and drained) first.
template <typename T>
class VerletDevice {
 public:
  VerletDevice(const PairLawSpec& law, const T* pos0, const T* vel0, const T* mass, int B, int N, int D, T dt)
      : law_(law),
        B_(B),
        N_(N),
        D_(D),
        dt_(dt),
        n_(std::size_t(B) * N * D),
        q_(n_),
        v_(n_),
        a0_(n_),
        a1_(n_),
        m_(std::size_t(B) * N),
        u_(std::size_t(B) * N),
        learned_(law) {
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(q_.get(), pos0, q_.bytes(), cudaMemcpyHostToDevice, stream_.get()));
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(v_.get(), vel0, v_.bytes(), cudaMemcpyHostToDevice, stream_.get()));
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(m_.get(), mass, m_.bytes(), cudaMemcpyHostToDevice, stream_.get()));
    a_ = a0_.get();
    a_old_ = a1_.get();
    // a(q0) and the per-particle potentials of the initial state.
    launch_allpairs<T>(law_, q_.get(), m_.get(), a_, u_.get(), B_, N_, D_, stream_.get(), learned_.get());
  }

  /// Enqueue `steps` Verlet steps (>= 0). On return (q, v, a) are synchronised; when with_potential,
  /// u holds the per-particle potentials of the final state (computed by the last step's force pass).
  void advance(long steps, bool with_potential) {
    const unsigned blocks = elementwise_blocks(n_, kVerletThreads);
    for (long s = 0; s < steps; ++s) {
      if (s == 0)
        NOETHER_LAUNCH(blocks, kVerletThreads, 0, stream_.get(), verlet_drift_kernel<T>)(q_.get(), v_.get(), a_, dt_, n_);
      else
        NOETHER_LAUNCH(blocks, kVerletThreads, 0, stream_.get(), verlet_kick_drift_kernel<T>)(q_.get(), v_.get(), a_old_, a_,
                                                                                dt_, n_);
      NOETHER_CUDA_CHECK_LAUNCH();
      std::swap(a_, a_old_);
      const bool last = s + 1 == steps;
      launch_allpairs<T>(law_, q_.get(), m_.get(), a_, (last && with_potential) ? u_.get() : nullptr, B_, N_, D_,
                         stream_.get(), learned_.get());
    }
    if (steps > 0) {
      NOETHER_LAUNCH(blocks, kVerletThreads, 0, stream_.get(), verlet_kick_kernel<T>)(v_.get(), a_old_, a_, dt_, n_);
      NOETHER_CUDA_CHECK_LAUNCH();
    }
  }

  cudaStream_t stream() const { return stream_.get(); }
  const T* q() const { return q_.get(); }
  const T* v() const { return v_.get(); }
  const T* a() const { return a_; }
  const T* m() const { return m_.get(); }
  const double* u() const { return u_.get(); }
  void sync() const { stream_.sync(); }

 private:
  PairLawSpec law_;
  int B_, N_, D_;
  T dt_;
  std::size_t n_;
  DeviceBuffer<T> q_, v_, a0_, a1_, m_;
  DeviceBuffer<double> u_;
  LawParams<T> learned_;  ///< a learned law's parameters / a table's coefficients on the device (empty for analytic laws)
  T* a_ = nullptr;      // a(q) of the current state
  T* a_old_ = nullptr;  // spare buffer / a of the previous state inside a run
  Stream stream_;       // last member: destroyed first, draining the work on the buffers above
};

/// Host side of one saved frame: pinned copies of q, v, a, observables and flags, and an event that
/// marks when they have arrived.
template <typename T>
struct FrameSlot {
  PinnedBuffer<T> q, v, a;
  PinnedBuffer<double> obs;
  PinnedBuffer<int> bad;
  Event ready;
  int frame = -1;
};

}  // namespace
}  // namespace cuda

template <typename T>
void cuda_verlet_rollout(const PairLawSpec& law, const T* pos0, const T* vel0, const T* mass, int B, int N, int D,
                         T dt, long stride, int frames, T* pos_out, T* vel_out, T* acc_out,
                         std::vector<FrameObservables>& obs) {
  cuda::check_shape("cuda_verlet_rollout", B, N, D);
  NOETHER_REQUIRE(frames >= 1, "cuda_verlet_rollout: frames must be >= 1, got " << frames);
  NOETHER_REQUIRE(stride >= 1, "cuda_verlet_rollout: stride must be >= 1, got " << stride);
  NOETHER_REQUIRE(std::isfinite(double(dt)) && dt > T(0), "cuda_verlet_rollout: dt must be finite and > 0, got " << dt);

  const std::size_t n = std::size_t(B) * N * D;          // one frame of q (or v, or a), all trajectories
  const std::size_t per_traj = std::size_t(N) * D;       // one frame of one trajectory
  const int W = cuda::observables_width(D);
  const int A = angular_components(D);

  obs.assign(std::size_t(frames), FrameObservables{});

  cuda::DeviceBuffer<double> d_obs(std::size_t(B) * W);
  cuda::DeviceBuffer<int> d_bad{std::size_t(B)};
  cuda::FrameSlot<T> slots[2];
  for (auto& s : slots) {
    s.q.reset(n);
    s.v.reset(n);
    s.a.reset(n);
    s.obs.reset(std::size_t(B) * W);
    s.bad.reset(std::size_t(B));
  }
  cuda::VerletDevice<T> dev(law, pos0, vel0, mass, B, N, D, dt);  // after the slots: destroyed (drained) first
  const cudaStream_t st = dev.stream();

  // Enqueue the reduction and the copies of the current device state into slot f % 2.
  auto enqueue_save = [&](int f) {
    cuda::FrameSlot<T>& s = slots[f % 2];
    cuda::launch_frame_observables<T>(dev.q(), dev.v(), dev.a(), dev.m(), dev.u(), B, N, D, d_obs.get(),
                                      d_bad.get(), st);
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(s.q.get(), dev.q(), n * sizeof(T), cudaMemcpyDeviceToHost, st));
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(s.v.get(), dev.v(), n * sizeof(T), cudaMemcpyDeviceToHost, st));
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(s.a.get(), dev.a(), n * sizeof(T), cudaMemcpyDeviceToHost, st));
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(s.obs.get(), d_obs.get(), d_obs.bytes(), cudaMemcpyDeviceToHost, st));
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(s.bad.get(), d_bad.get(), d_bad.bytes(), cudaMemcpyDeviceToHost, st));
    s.ready.record(st);
    s.frame = f;
  };

  // Wait for slot f % 2, check it for non-finite values, scatter it into the caller's arrays.
  auto finish = [&](int f) {
    cuda::FrameSlot<T>& s = slots[f % 2];
    NOETHER_ASSERT(s.frame == f);
    s.ready.sync();
    const long step = long(f) * stride;
    for (int b = 0; b < B; ++b)
      if (s.bad.get()[b])
        NOETHER_FAIL("cuda_verlet_rollout: trajectory " << b << " became non-finite (NaN or Inf in position, "
                     << "velocity, acceleration or potential) by step " << step << ", t = " << double(dt) * step
                     << " (saved frame " << f << ", dt = " << dt << ")");
    for (int b = 0; b < B; ++b) {
      const std::size_t dst = (std::size_t(b) * frames + f) * per_traj, src = std::size_t(b) * per_traj;
      if (pos_out) std::memcpy(pos_out + dst, s.q.get() + src, per_traj * sizeof(T));
      if (vel_out) std::memcpy(vel_out + dst, s.v.get() + src, per_traj * sizeof(T));
      if (acc_out) std::memcpy(acc_out + dst, s.a.get() + src, per_traj * sizeof(T));
    }
    FrameObservables& o = obs[std::size_t(f)];
    o.kinetic.assign(std::size_t(B), 0.0);
    o.potential.assign(std::size_t(B), 0.0);
    o.momentum.assign(std::size_t(B) * D, 0.0);
    o.angular.assign(std::size_t(B) * A, 0.0);
    for (int b = 0; b < B; ++b) {
      const double* row = s.obs.get() + std::size_t(b) * W;
      o.kinetic[b] = row[0];
      o.potential[b] = row[1];
      for (int c = 0; c < D; ++c) o.momentum[std::size_t(b) * D + c] = row[2 + c];
      for (int c = 0; c < A; ++c) o.angular[std::size_t(b) * A + c] = row[2 + D + c];
    }
  };

  enqueue_save(0);
  for (int f = 1; f < frames; ++f) {
    dev.advance(stride, /*with_potential=*/true);
    enqueue_save(f);  // slot f % 2 was last used by frame f − 2, finished below in the previous iteration
    finish(f - 1);    // the host scatters frame f − 1 while the device integrates frame f
  }
  finish(frames - 1);
  dev.sync();
}

template <typename T>
double cuda_time_verlet_steps(const PairLawSpec& law, const T* pos0, const T* vel0, const T* mass, int B, int N,
                              int D, T dt, long steps) {
  cuda::check_shape("cuda_time_verlet_steps", B, N, D);
  NOETHER_REQUIRE(steps >= 0, "cuda_time_verlet_steps: steps must be >= 0, got " << steps);
  cuda::Event start, stop;
  cuda::VerletDevice<T> dev(law, pos0, vel0, mass, B, N, D, dt);
  dev.advance(1, false);  // warm-up
  dev.sync();
  start.record(dev.stream());
  dev.advance(steps, false);
  stop.record(dev.stream());
  stop.sync();
  return cuda::elapsed_seconds(start, stop);
}

NOETHER_PHYSICS_CUDA_ROLLOUT(float)
NOETHER_PHYSICS_CUDA_ROLLOUT(double)

}  // namespace noether
