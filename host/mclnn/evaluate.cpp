// mclnn/evaluate.cpp — rollout and potential metrics (mclnn/evaluate.hpp).
#include "noether/mclnn/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "noether/core/error.hpp"
#include "noether/io/json_config.hpp"
#include "noether/io/trajectory.hpp"

namespace noether {
namespace {

const NpyArray& key(const NpzArchive& a, const std::string& name, const std::string& k) {
  auto it = a.find(k);
  NOETHER_REQUIRE(it != a.end(), name << ": missing key '" << k << "' (a trajectory file of docs/FORMATS.md)");
  return it->second;
}

double norm_diff(const double* a, const double* b, int n) {
  double s = 0;
  for (int k = 0; k < n; ++k) s += (a[k] - b[k]) * (a[k] - b[k]);
  return std::sqrt(s);
}

}  // namespace

void pair_energy_and_slope(const PairLawSpec& law, double r, double& V, double& dVdr) {
  if (law.kind == PotentialKind::Learned) {
    const std::vector<double>& p = law.learned->params;
    with_pair_mlp<double>(law.learned->shape, p.data(), law.learned->scaling, law.learned->tail, [&](const auto& mlp) {
      const auto j = mlp.jets(r);
      V = j.V, dVdr = j.dV;
    });
    return;
  }
  double f_over_r = 0;
  with_pair_law<double>(law, [&](const auto& L) { L.eval(r * r, 1.0, 1.0, V, f_over_r); });
  dVdr = -f_over_r * r;
}

DistanceHistogram model_training_histogram(const ModelFile& model, const std::string& name) {
  const cfg::Ctx ctx{name, "metadata.training.pair_distance_histogram"};
  const char* hint = ": missing (recorded by noether train since the support histogram was added; retrain the model)";
  NOETHER_REQUIRE(!model.metadata.empty(), name << ": metadata" << hint);
  const nlohmann::json meta = nlohmann::json::parse(model.metadata);
  NOETHER_REQUIRE(meta.contains("training") && meta.at("training").is_object() &&
                      meta.at("training").contains("pair_distance_histogram"),
                  ctx.where() << hint);
  const nlohmann::json& h = meta.at("training").at("pair_distance_histogram");
  NOETHER_REQUIRE(h.is_object(), ctx.where() << ": expected an object {lo, hi, counts, above, total}");
  DistanceHistogram out;
  out.lo = cfg::get_number(h, ctx, "lo", NAN);
  out.hi = cfg::get_number(h, ctx, "hi", NAN);
  NOETHER_REQUIRE(std::isfinite(out.lo) && std::isfinite(out.hi) && out.hi >= out.lo,
                  ctx.where() << ": expected finite lo <= hi, got " << out.lo << ", " << out.hi);
  out.above = long(cfg::get_int(h, ctx, "above", 0, 0, std::numeric_limits<long>::max()));
  out.total = long(cfg::get_int(h, ctx, "total", -1, 1, std::numeric_limits<long>::max()));
  NOETHER_REQUIRE(h.contains("counts") && h.at("counts").is_array() && !h.at("counts").empty(),
                  ctx.sub("counts").where() << ": expected a non-empty list of bin counts");
  long sum = out.above;
  for (const auto& c : h.at("counts")) {
    NOETHER_REQUIRE(c.is_number_integer() && c.get<long>() >= 0, ctx.sub("counts").where() << ": expected integers >= 0, got " << c.dump());
    out.counts.push_back(c.get<long>());
    sum += out.counts.back();
  }
  NOETHER_REQUIRE(sum == out.total, ctx.sub("total").where() << ": " << out.total << " but the counts and above sum to " << sum);
  return out;
}

PotentialComparison compare_potentials(const PairLawSpec& truth, const PairLawSpec& learned, const DistanceRange& range,
                                       const std::vector<double>& samples) {
  PotentialComparison c;
  c.r_min = range.min, c.r_max = range.max, c.p05 = range.p05, c.p95 = range.p95;
  NOETHER_REQUIRE(range.p95 > range.p05 && range.p05 > 0, "compare_potentials: empty training distance range");
  const int M = 400;
  double off = 0, num = 0, den = 0;
  for (int k = 0; k < M; ++k) {
    const double r = range.p05 + (range.p95 - range.p05) * k / (M - 1);
    double Vt, dt, Vl, dl;
    pair_energy_and_slope(truth, r, Vt, dt);
    pair_energy_and_slope(learned, r, Vl, dl);
    off += (Vt - Vl) / M;
    num += (dl - dt) * (dl - dt), den += dt * dt;
  }
  c.V_offset = off;
  c.dVdr_rel_l2_uniform = std::sqrt(num / std::max(den, 1e-300));
  num = den = 0;
  for (double r : samples) {
    if (r < range.p05 || r > range.p95) continue;
    double Vt, dt, Vl, dl;
    pair_energy_and_slope(truth, r, Vt, dt);
    pair_energy_and_slope(learned, r, Vl, dl);
    num += (dl - dt) * (dl - dt), den += dt * dt;
  }
  c.dVdr_rel_l2_samples = den > 0 ? std::sqrt(num / den) : 0.0;
  NOETHER_REQUIRE(std::isfinite(c.V_offset) && std::isfinite(c.dVdr_rel_l2_uniform) && std::isfinite(c.dVdr_rel_l2_samples),
                  "compare_potentials: a metric is not finite (V offset " << c.V_offset << ", dV/dr relative L2 "
                      << c.dVdr_rel_l2_uniform << "): the learned or the true law gives non-finite values on ["
                      << range.p05 << ", " << range.p95 << "]");
  return c;
}

RolloutComparison compare_rollouts(const NpzArchive& truth, const std::string& tn, const NpzArchive& pred,
                                   const std::string& pn, double V_offset) {
  // Every array read below is checked once for presence, shape (against positions and times) and finiteness, so
  // that nothing is indexed out of bounds and no metric is computed from NaN or Inf.
  const std::vector<std::string> needed_truth = {"positions", "times", "lagrangian", "hamiltonian", "linear_momentum",
                                                 "angular_momentum"};
  std::vector<std::string> needed_pred = needed_truth;
  for (const char* k : {"kinetic_energy", "velocities", "masses"}) needed_pred.push_back(k);
  check_trajectory_archive(truth, tn, needed_truth);
  check_trajectory_archive(pred, pn, needed_pred);
  const NpyArray& qt = key(truth, tn, "positions");
  const NpyArray& qp = key(pred, pn, "positions");
  NOETHER_REQUIRE(qp.shape == qt.shape, pn << ": 'positions' has another shape than " << tn
                                           << "'s; compare rollouts from the same initial states and times");
  RolloutComparison r;
  r.B = int(qt.shape[0]), r.T = int(qt.shape[1]), r.N = int(qt.shape[2]), r.D = int(qt.shape[3]);
  const NpyArray& tt = key(truth, tn, "times");
  const NpyArray& tp = key(pred, pn, "times");
  NOETHER_REQUIRE(tt.data.size() == tp.data.size(), pn << ": 'times' differ in length from " << tn);
  for (std::size_t k = 0; k < tt.data.size(); ++k)
    NOETHER_REQUIRE(std::abs(tt.data[k] - tp.data[k]) <= 1e-9 * (1 + std::abs(tt.data[k])),
                    pn << ": 'times'[" << k << "] = " << tp.data[k] << " but " << tn << " has " << tt.data[k]);
  const int B = r.B, T = r.T, N = r.N, D = r.D, A = D == 3 ? 3 : 1;
  const double npairs = 0.5 * N * (N - 1);
  const auto &Lt = key(truth, tn, "lagrangian").data, &Lp = key(pred, pn, "lagrangian").data;
  const auto &Ht = key(truth, tn, "hamiltonian").data, &Hp = key(pred, pn, "hamiltonian").data;
  const auto &Pt = key(truth, tn, "linear_momentum").data, &Pp = key(pred, pn, "linear_momentum").data;
  const auto &Jt = key(truth, tn, "angular_momentum").data, &Jp = key(pred, pn, "angular_momentum").data;
  const auto& Kp = key(pred, pn, "kinetic_energy").data;
  const auto& vp = key(pred, pn, "velocities").data;
  const auto& mp = key(pred, pn, "masses").data;
  const double cnt = double(B) * T;
  r.relative_position_error.assign(std::size_t(T), 0.0);
  const int F = N * D;
  for (int b = 0; b < B; ++b) {
    const double* m = mp.data() + (mp.size() == std::size_t(N) ? 0 : std::size_t(b) * N);
    double pscale = 0, jscale = 0;  // Σ m|v|, Σ m|q||v| at t = 0
    for (int i = 0; i < N; ++i) {
      double v2 = 0, q2 = 0;
      for (int c = 0; c < D; ++c) {
        const std::size_t o = (std::size_t(b) * T * N + i) * D + c;
        v2 += vp[o] * vp[o], q2 += qp.data[o] * qp.data[o];
      }
      pscale += m[i] * std::sqrt(v2), jscale += m[i] * std::sqrt(q2 * v2);
    }
    const std::size_t s0 = std::size_t(b) * T;
    const double H0 = Hp[s0] + V_offset * npairs;
    for (int t = 0; t < T; ++t) {
      const std::size_t s = s0 + t;
      r.mae_lagrangian += std::abs((Lp[s] - V_offset * npairs) - Lt[s]) / cnt;
      r.mae_hamiltonian += std::abs((Hp[s] + V_offset * npairs) - Ht[s]) / cnt;
      r.mae_linear_momentum += norm_diff(&Pp[s * D], &Pt[s * D], D) / cnt;
      r.mae_angular_momentum += norm_diff(&Jp[s * A], &Jt[s * A], A) / cnt;
      const double* a = &qp.data[s * F];
      const double* c = &qt.data[s * F];
      double na = 0, nc = 0;
      for (int k = 0; k < F; ++k) na += a[k] * a[k], nc += c[k] * c[k];
      const double den = std::sqrt(na) + std::sqrt(nc);
      r.relative_position_error[t] += (den > 0 ? norm_diff(a, c, F) / den : 0.0) / B;
      const double dH = std::abs(Hp[s] + V_offset * npairs - H0);
      r.energy_drift_abs = std::max(r.energy_drift_abs, dH);
      const double Hs = std::abs(H0) > 1e-12 * std::max(Kp[s0], 1e-300) ? std::abs(H0) : Kp[s0];
      r.energy_drift_rel = std::max(r.energy_drift_rel, dH / std::max(Hs, 1e-300));
      if (pscale > 0) r.linear_momentum_drift_rel = std::max(r.linear_momentum_drift_rel, norm_diff(&Pp[s * D], &Pp[s0 * D], D) / pscale);
      if (jscale > 0) r.angular_momentum_drift_rel = std::max(r.angular_momentum_drift_rel, norm_diff(&Jp[s * A], &Jp[s0 * A], A) / jscale);
    }
  }
  const std::pair<const char*, double> metrics[] = {
      {"mae.lagrangian", r.mae_lagrangian}, {"mae.hamiltonian", r.mae_hamiltonian},
      {"mae.linear_momentum", r.mae_linear_momentum}, {"mae.angular_momentum", r.mae_angular_momentum},
      {"energy_drift.max_abs", r.energy_drift_abs}, {"energy_drift.relative", r.energy_drift_rel},
      {"momentum_drift.linear", r.linear_momentum_drift_rel}, {"momentum_drift.angular", r.angular_momentum_drift_rel}};
  for (const auto& [name, value] : metrics)
    NOETHER_REQUIRE(std::isfinite(value), pn << " vs " << tn << ": metric " << name << " is not finite (" << value
                                             << "): the values overflow a double");
  for (std::size_t t = 0; t < r.relative_position_error.size(); ++t)
    NOETHER_REQUIRE(std::isfinite(r.relative_position_error[t]),
                    pn << " vs " << tn << ": relative position error of frame " << t << " is not finite");
  return r;
}

}  // namespace noether
