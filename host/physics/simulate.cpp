// physics/simulate.cpp — the CPU reference simulation (Verlet, RK4, RK45) and dispatch to the CUDA rollout.
#include "noether/physics/simulate.hpp"

#include <cmath>

#include "noether/physics/cuda.hpp"
#include "noether/core/error.hpp"
#include "noether/physics/bulk.hpp"
#include "noether/physics/forces.hpp"
#include "noether/physics/ode.hpp"
#include "noether/physics/verlet.hpp"

namespace noether {
namespace {

template <typename T>
std::vector<T> cast(const std::vector<double>& v) { return std::vector<T>(v.begin(), v.end()); }

/// Throw if any position or velocity is non-finite; names trajectory, step and time.
template <typename T>
void check_finite(const std::vector<T>& pos, const std::vector<T>& vel, int N, int D, long step, double t,
                  int traj_offset = 0) {
  const std::size_t per = std::size_t(N) * D;
  for (std::size_t k = 0; k < pos.size(); ++k)
    if (!std::isfinite(double(pos[k])) || !std::isfinite(double(vel[k])))
      NOETHER_FAIL("simulation became non-finite (NaN/Inf) in trajectory " << traj_offset + k / per << ", particle "
                   << (k / D) % N << " at step " << step << ", time " << t
                   << " (time step too large for this system, or a close encounter under gravity?)");
}

/// Record frame f of the trajectory from host state arrays of precision T: acc = a(pos) and U (B) = the
/// potential energy, both from one force pass (accelerations_cpu with U) made by the caller.
template <typename T>
void record_frame(const std::vector<T>& pos, const std::vector<T>& vel, const std::vector<T>& acc,
                  const std::vector<T>& mass, const std::vector<double>& U, int f, Trajectory& out) {
  const int B = out.B, N = out.N, D = out.D;
  FrameObservables& o = out.frames[f];
  kinematic_observables_cpu(pos.data(), vel.data(), mass.data(), B, N, D, o);
  o.potential.resize(B);
  for (int b = 0; b < B; ++b) o.potential[b] = double(T(U[b]));  // stored at the run's precision
  const std::size_t frame = std::size_t(N) * D;
  for (int b = 0; b < B; ++b) {
    const std::size_t dst = (std::size_t(b) * out.T + f) * frame, src = std::size_t(b) * frame;
    for (std::size_t k = 0; k < frame; ++k) {
      out.pos[dst + k] = pos[src + k];
      out.vel[dst + k] = vel[src + k];
      out.acc[dst + k] = acc[src + k];
    }
  }
}

template <typename T, typename Law>
void simulate_cpu(const Law& law, const SimulationConfig& cfg, Trajectory& out, const ProgressFn& progress) {
  const InitialState& s = cfg.init;
  const IntegratorSpec& it = cfg.integrator;
  const int B = s.B, N = s.N, D = s.D;
  std::vector<T> pos = cast<T>(s.pos), vel = cast<T>(s.vel), mass = cast<T>(s.mass), acc(pos.size());
  std::vector<double> U(B);
  const T dt = T(it.dt);
  const std::size_t per = std::size_t(N) * D;
  // One force pass per saved frame at most: Verlet carries a(q) from step to step (its last step before a
  // frame also yields U); RK4/RK45 need one pass at the frame for acc and U.
  accelerations_cpu(law, pos.data(), mass.data(), acc.data(), B, N, D, U.data());
  record_frame(pos, vel, acc, mass, U, 0, out);
  if (progress) progress(1, it.frames);
  std::vector<T> rk45_h(B, T(0));
  for (int f = 1; f < it.frames; ++f) {
    const long step0 = long(f - 1) * it.stride;
    switch (it.method) {
      case IntegratorMethod::Verlet:
        for (long s_ = 0; s_ < it.stride; ++s_) {
          verlet_steps_cpu(law, pos.data(), vel.data(), acc.data(), mass.data(), B, N, D, dt, 1,
                           s_ + 1 == it.stride ? U.data() : nullptr);
          check_finite(pos, vel, N, D, step0 + s_ + 1, (step0 + s_ + 1) * it.dt);
        }
        break;
      case IntegratorMethod::RK4:
      case IntegratorMethod::RK45: {
        // y = [q (N·D), v (N·D)] of one trajectory; y' = [v, a(q)].
        for (int b = 0; b < B; ++b) {
          const T* m = mass.data() + b * N;
          OdeRhs<T> rhs = [&](T, const std::vector<T>& y, std::vector<T>& dy) {
            std::copy(y.begin() + per, y.end(), dy.begin());
            accelerations_cpu(law, y.data(), m, dy.data() + per, 1, N, D);
          };
          std::vector<T> y(2 * per);
          std::copy(pos.begin() + b * per, pos.begin() + (b + 1) * per, y.begin());
          std::copy(vel.begin() + b * per, vel.begin() + (b + 1) * per, y.begin() + per);
          if (it.method == IntegratorMethod::RK4) {
            for (long s_ = 0; s_ < it.stride; ++s_) rk4_step(rhs, T((step0 + s_) * it.dt), y, dt);
          } else {
            Rk45Options opt;
            opt.rtol = it.rtol, opt.atol = it.atol, opt.h_init = it.dt;
            try {
              rk45_integrate(rhs, T(step0 * it.dt), T((step0 + it.stride) * it.dt), y, opt, rk45_h[b]);
            } catch (const Error& e) {
              NOETHER_FAIL("trajectory " << b << ", saved frame " << f << ": " << e.what());
            }
          }
          std::copy(y.begin(), y.begin() + per, pos.begin() + b * per);
          std::copy(y.begin() + per, y.end(), vel.begin() + b * per);
        }
        check_finite(pos, vel, N, D, step0 + it.stride, (step0 + it.stride) * it.dt);
        accelerations_cpu(law, pos.data(), mass.data(), acc.data(), B, N, D, U.data());
        break;
      }
    }
    record_frame(pos, vel, acc, mass, U, f, out);
    if (progress) progress(f + 1, it.frames);
  }
}

}  // namespace

DeviceChoice resolve_device(DeviceChoice choice, IntegratorMethod method, const PairLawSpec& law) {
  const DeviceChoice d = resolve_device(choice, method);
  if (d == DeviceChoice::Cuda && pair_law_has_buffer(law) && !cuda_learned_rollout_available()) {
    NOETHER_REQUIRE(choice != DeviceChoice::Cuda,
                    "--device cuda: this build has no GPU rollout of learned or tabulated potentials; use --device cpu or auto");
    return DeviceChoice::Cpu;
  }
  return d;
}

DeviceChoice resolve_device(const SimulationConfig& cfg) {
  if (!cfg.bulk.enabled) return resolve_device(cfg.device, cfg.integrator.method, cfg.law);
  return resolve_device(cfg.device, cfg.integrator.method);  // the GPU bulk path runs every bulk config
}

DeviceChoice resolve_device(DeviceChoice choice, IntegratorMethod method) {
  if (choice == DeviceChoice::Cpu) return DeviceChoice::Cpu;
  const bool gpu = cuda_device_available();
  if (choice == DeviceChoice::Cuda) {
    NOETHER_REQUIRE(gpu, "device 'cuda' requested but no CUDA device is usable: " << cuda_device_description()
                                                                                   << " (use --device auto or cpu)");
    NOETHER_REQUIRE(method == IntegratorMethod::Verlet,
                    "integrator.method: the CUDA backend runs velocity Verlet only; use method 'verlet' or device 'cpu'");
    return DeviceChoice::Cuda;
  }
  return gpu && method == IntegratorMethod::Verlet ? DeviceChoice::Cuda : DeviceChoice::Cpu;
}

namespace {

/// Count the pair visits outside the trained range of the run's laws on the saved frames of `t`.
void count_visits(const SimulationConfig& cfg, Trajectory& t) {
  int S = 1;
  std::vector<PairSupport> sup{pair_law_support(cfg.law)};
  std::vector<double> cut{0.0};
  if (cfg.bulk.enabled) {
    S = cfg.bulk.species_count;
    sup.clear(), cut.clear();
    for (const PairLawSpec& l : cfg.bulk.pair_laws) sup.push_back(pair_law_support(l));
    for (const CutoffSpec& c : cfg.bulk.pair_cutoffs) cut.push_back(c.active() ? c.cutoff : 0.0);
  }
  t.support_visits = make_support_visits(S, sup, cut);
  if (!t.support_visits.counted()) return;
  const int* species = t.species.empty() ? (cfg.init.species.empty() ? nullptr : cfg.init.species.data()) : t.species.data();
  const Box& box = t.box.present ? t.box : cfg.init.box;
  for (int b = 0; b < t.B; ++b)
    count_support_visits(t.support_visits, t.pos.data() + std::size_t(b) * t.T * t.N * t.D, t.T, t.N, t.D, box, species);
}

Trajectory simulate_uncounted(const SimulationConfig& cfg, DeviceChoice device, const ProgressFn& progress);

}  // namespace

Trajectory simulate(const SimulationConfig& cfg, DeviceChoice device, const ProgressFn& progress) {
  Trajectory t = simulate_uncounted(cfg, device, progress);
  count_visits(cfg, t);
  return t;
}

namespace {

Trajectory simulate_uncounted(const SimulationConfig& cfg, DeviceChoice device, const ProgressFn& progress) {
  if (cfg.bulk.enabled) {
    if (device == DeviceChoice::Cuda) return simulate_bulk_cuda(cfg, progress);
    return simulate_bulk(cfg, progress);
  }
  const InitialState& s = cfg.init;
  const IntegratorSpec& it = cfg.integrator;
  Trajectory out;
  out.B = s.B, out.T = it.frames, out.N = s.N, out.D = s.D, out.float32 = cfg.float32;
  const std::size_t n = std::size_t(s.B) * it.frames * s.N * s.D;
  out.pos.assign(n, 0.0), out.vel.assign(n, 0.0), out.acc.assign(n, 0.0);
  out.mass = s.mass;
  out.frames.resize(it.frames);
  for (int f = 0; f < it.frames; ++f) out.times.push_back(f * it.stride * it.dt);
  if (cfg.float32)  // the masses written are those the run used
    for (double& m : out.mass) m = double(float(m));

  if (device == DeviceChoice::Cuda) {
    auto run = [&](auto zero) {
      using T = decltype(zero);
      std::vector<T> pos = cast<T>(s.pos), vel = cast<T>(s.vel), mass = cast<T>(s.mass);
      std::vector<T> po(n), vo(n), ao(n);
      cuda_verlet_rollout<T>(cfg.law, pos.data(), vel.data(), mass.data(), s.B, s.N, s.D, T(it.dt), it.stride,
                             it.frames, po.data(), vo.data(), ao.data(), out.frames);
      out.pos.assign(po.begin(), po.end()), out.vel.assign(vo.begin(), vo.end()), out.acc.assign(ao.begin(), ao.end());
    };
    if (cfg.float32) run(float{}); else run(double{});
    if (progress) progress(it.frames, it.frames);
    return out;
  }
  if (cfg.float32)
    with_pair_law<float>(cfg.law, [&](auto law) { simulate_cpu<float>(law, cfg, out, progress); });
  else
    with_pair_law<double>(cfg.law, [&](auto law) { simulate_cpu<double>(law, cfg, out, progress); });
  return out;
}

}  // namespace

}  // namespace noether
