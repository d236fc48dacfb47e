// pixel/eval.cpp — latent→canonical map, latent rollouts, decoded frames and the energy MSE of a trained
// pixel pendulum model (pixel/eval.hpp, formulas in its header).
#include <Eigen/Dense>
#include <numeric>

#include "noether/core/error.hpp"
#include "noether/physics/ode.hpp"
#include "noether/pixel/eval.hpp"

namespace noether {

void LatentToCanonical::apply(const double* z, double* qp) const {
  for (int r = 0; r < 2; ++r) {
    double s = b[std::size_t(r)];
    for (int c = 0; c < latent_dim; ++c) s += A[std::size_t(r) * latent_dim + c] * z[c];
    qp[r] = s;
  }
}

LatentToCanonical fit_latent_to_canonical(const PixelModel& m, const std::vector<float>& params,
                                          const PixelPendulumData& data) {
  const int d = m.latent_dim(), D = data.input_dim(), chunk = 500;
  // Normal equations of [z 1] β = (q, p): M = Σ [z 1]ᵀ[z 1] (d+1, d+1), R = Σ [z 1]ᵀ (q, p) (d+1, 2).
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(d + 1, d + 1), R = Eigen::MatrixXd::Zero(d + 1, 2);
  std::vector<float> X(std::size_t(chunk) * D), Z(std::size_t(chunk) * d);
  std::vector<int> idx(static_cast<std::size_t>(chunk));
  const int first = data.first_train(), count = data.n_train();
  for (int s = first; s < first + count; s += chunk) {
    const int n = std::min(chunk, first + count - s);
    std::iota(idx.begin(), idx.begin() + n, s);
    data.gather(idx.data(), n, X.data(), nullptr);
    pixel_encode<float>(m, params.data(), X.data(), n, Z.data());
    for (int i = 0; i < n; ++i) {
      Eigen::VectorXd a(d + 1);
      for (int c = 0; c < d; ++c) a[c] = Z[std::size_t(i) * d + c];
      a[d] = 1.0;
      double qp[2];
      data.canonical(s + i, qp);
      M += a * a.transpose();
      R.col(0) += a * qp[0];
      R.col(1) += a * qp[1];
    }
  }
  const Eigen::MatrixXd beta = M.ldlt().solve(R);  // (d+1, 2)
  NOETHER_REQUIRE(beta.allFinite(), "pixel evaluation: the latent codes are degenerate (no affine map to (q, p))");
  LatentToCanonical map;
  map.latent_dim = d;
  map.A.resize(std::size_t(2) * d);
  map.b.resize(2);
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < d; ++c) map.A[std::size_t(r) * d + c] = beta(c, r);
    map.b[std::size_t(r)] = beta(d, r);
  }
  return map;
}

double PixelRollouts::energy_mse() const {
  NOETHER_REQUIRE(!H_true.empty() && H_true.size() == H_pred.size(), "pixel rollouts: no energies");
  double s = 0;
  for (std::size_t i = 0; i < H_true.size(); ++i) s += (H_true[i] - H_pred[i]) * (H_true[i] - H_pred[i]);
  return s / double(H_true.size());
}

PixelRollouts pixel_rollouts(const PixelModel& m, const std::vector<float>& params, const LatentToCanonical& map,
                             const PixelPendulumData& data, const std::vector<int>& trials, int frames, double rtol,
                             double atol) {
  NOETHER_REQUIRE(!trials.empty() && frames >= 1, "pixel rollouts: need trials and frames >= 1");
  for (int b : trials) NOETHER_REQUIRE(b >= 0 && b < data.trials, "pixel rollouts: trial " << b << " out of range");
  const int B = int(trials.size()), T = frames, d = m.latent_dim(), D = data.input_dim(), F = data.frame_dim();
  PixelRollouts r;
  r.trials = B;
  r.frames = T;
  r.latent_dim = d;
  r.side = data.side;
  // z_0 = E(x_{b,0}).
  std::vector<float> X(std::size_t(B) * D), Zf(std::size_t(B) * d);
  std::vector<int> first(static_cast<std::size_t>(B));
  for (int i = 0; i < B; ++i) first[std::size_t(i)] = trials[std::size_t(i)] * data.samples_per_trial();
  data.gather(first.data(), B, X.data(), nullptr);
  pixel_encode<float>(m, params.data(), X.data(), B, Zf.data());
  // Integrate all trials as one system y = (z_1 … z_B) in float64 on the float32 parameters' values.
  const std::vector<double> pd(params.begin(), params.end());
  const OdeRhs<double> rhs = [&](double, const std::vector<double>& y, std::vector<double>& dy) {
    pixel_latent_field<double>(m, pd.data(), y.data(), B, dy.data());
  };
  Rk45Options ro;
  ro.rtol = rtol;
  ro.atol = atol;
  std::vector<double> y(Zf.begin(), Zf.end());
  r.z.resize(std::size_t(B) * T * d);
  double h = 0;
  for (int t = 0; t < T; ++t) {
    if (t > 0) rk45_integrate(rhs, double(t - 1), double(t), y, ro, h);
    for (int i = 0; i < B; ++i)
      std::copy(y.begin() + std::ptrdiff_t(i) * d, y.begin() + std::ptrdiff_t(i + 1) * d,
                r.z.begin() + (std::ptrdiff_t(i) * T + t) * d);
  }
  // Decode (float32), keep the first frame, re-encode, map to (q, p), energies.
  r.decoded.resize(std::size_t(B) * T * F);
  r.qp_pred.resize(std::size_t(B) * T * 2);
  r.states_true.resize(std::size_t(B) * T * 2);
  r.H_true.resize(std::size_t(B) * T);
  r.H_pred.resize(std::size_t(B) * T);
  std::vector<float> zt(std::size_t(T) * d), xh(std::size_t(T) * D), ze(std::size_t(T) * d);
  const PendulumPhysics& ph = data.options.physics;
  for (int i = 0; i < B; ++i) {
    for (std::size_t k = 0; k < zt.size(); ++k) zt[k] = float(r.z[std::size_t(i) * T * d + k]);
    pixel_decode<float>(m, params.data(), zt.data(), T, xh.data());
    pixel_encode<float>(m, params.data(), xh.data(), T, ze.data());
    const int b = trials[std::size_t(i)];
    const double* s0 = data.states.data() + std::size_t(b) * data.frames * 2;
    const std::vector<double> truth = pendulum_trajectory(ph, s0[0], s0[1], T);
    for (int t = 0; t < T; ++t) {
      const std::size_t bt = std::size_t(i) * T + t;
      std::copy(xh.begin() + std::ptrdiff_t(t) * D, xh.begin() + std::ptrdiff_t(t) * D + F, r.decoded.begin() + std::ptrdiff_t(bt) * F);
      double zd[64], qp[2];
      NOETHER_REQUIRE(d <= 64, "pixel rollouts: latent_dim must be <= 64");
      for (int c = 0; c < d; ++c) zd[c] = ze[std::size_t(t) * d + c];
      map.apply(zd, qp);
      r.qp_pred[2 * bt] = qp[0];
      r.qp_pred[2 * bt + 1] = qp[1];
      r.states_true[2 * bt] = truth[2 * std::size_t(t)];
      r.states_true[2 * bt + 1] = truth[2 * std::size_t(t) + 1];
      r.H_true[bt] = pendulum_canonical_energy(ph, truth[2 * std::size_t(t)], 0.25 * truth[2 * std::size_t(t) + 1]);
      r.H_pred[bt] = pendulum_canonical_energy(ph, qp[0], qp[1]);
    }
  }
  return r;
}

}  // namespace noether
