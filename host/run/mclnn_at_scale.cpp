// run/mclnn_at_scale.cpp — the trained MCLNN model at scale, per tail policy (run/mclnn_at_scale.hpp).
#include "run/mclnn_at_scale.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "noether/core/error.hpp"
#include "noether/io/json_file.hpp"
#include "noether/io/trajectory.hpp"
#include "noether/physics/simulate.hpp"
#include "noether/physics/support_visits.hpp"
#include "run/progress.hpp"

namespace noether {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Trajectory run_sim(const SimulationConfig& s, const std::string& label) {
  const DeviceChoice used = resolve_device(s.device, s.integrator.method, s.law);
  Progress bar(label);
  return simulate(s, used, [&](int done, int total) { bar.update(done, total); });
}

/// Relative energy drift and the virial ratio 2K/|U| per frame of trajectory 0; U gets u_shift (the learned law's
/// offset times the pair count).
json energy_json(const Trajectory& t, double u_shift) {
  std::vector<double> Q;
  double H0 = 0, drift = 0;
  for (int f = 0; f < t.T; ++f) {
    const double K = t.frames[f].kinetic[0], U = t.frames[f].potential[0] + u_shift, H = K + U;
    if (f == 0) H0 = H;
    drift = std::max(drift, std::fabs(H - H0) / std::max(std::fabs(H0), 1e-300));
    Q.push_back(U != 0 ? 2 * K / std::fabs(U) : 0.0);
  }
  return {{"energy_drift", drift},
          {"virial_ratio", {{"first", Q.front()}, {"last", Q.back()}, {"min", *std::min_element(Q.begin(), Q.end())},
                            {"max", *std::max_element(Q.begin(), Q.end())}, {"series", Q}}}};
}

/// e_i = |a_i,l − a_i,t| / |a_i,t| at frame 0 of trajectory 0 (acc (B, T, N, D)).
std::vector<double> force_errors(const Trajectory& truth, const Trajectory& pred) {
  std::vector<double> e(truth.N);
  for (int i = 0; i < truth.N; ++i) {
    double d2 = 0, t2 = 0;
    for (int c = 0; c < truth.D; ++c) {
      const double at = truth.acc[std::size_t(i) * truth.D + c], al = pred.acc[std::size_t(i) * truth.D + c];
      d2 += (al - at) * (al - at), t2 += at * at;
    }
    e[i] = std::sqrt(d2) / std::max(std::sqrt(t2), 1e-300);
  }
  return e;
}

}  // namespace

std::string at_scale_tail_name(const ModelTail& t) {
  std::string s = tail_policy_name(t.policy);
  if (t.n > 0) {
    char b[32];
    std::snprintf(b, sizeof b, " n=%g", t.n);
    s += b;
  }
  return s;
}

std::string at_scale_tail_file_name(const ModelTail& t) {
  std::string s = at_scale_tail_name(t);
  for (char& ch : s)
    if (ch == ' ' || ch == '=') ch = '_';
  return s;
}

json error_distribution(std::vector<double> e) {
  NOETHER_REQUIRE(!e.empty(), "error_distribution: no samples");
  std::sort(e.begin(), e.end());
  auto q = [&](double p) { return e[std::min(e.size() - 1, std::size_t(p * double(e.size() - 1) + 0.5))]; };
  double mean = 0;
  for (double x : e) mean += x / double(e.size());
  return {{"median", q(0.5)}, {"p90", q(0.9)}, {"p99", q(0.99)}, {"max", e.back()}, {"mean", mean}};
}

json run_at_scale(const AtScaleSpec& spec, const ModelFile& model, double V_offset, const fs::path& dir,
                  double support_warn, const std::function<void(const std::string&)>& say) {
  const fs::path out = dir / "at_scale";
  fs::create_directories(out);
  const int N = spec.sim.init.N;
  const double pairs = 0.5 * double(N) * double(N - 1);
  const Trajectory truth = run_sim(spec.sim, "at scale: truth");
  write_trajectory_npz((out / "truth.npz").string(), truth);
  json result = {{"particles", N}, {"dim", spec.sim.init.D}, {"frames", truth.T}, {"truth", energy_json(truth, 0.0)}};
  std::vector<std::vector<double>> errors;
  json tails = json::object();
  for (const ModelTail& tail : spec.tails) {
    ModelFile m = model;
    m.tail = tail;
    SimulationConfig s = spec.sim;
    s.law = learned_pair_law(m);
    const std::string name = at_scale_tail_name(tail);
    const PairTailSpec resolved = s.law.learned->tail;
    const Trajectory pred = run_sim(s, std::string("at scale: learned, tail ") + name);
    write_trajectory_npz((out / (at_scale_tail_file_name(tail) + ".npz")).string(), pred);
    errors.push_back(force_errors(truth, pred));
    json t = energy_json(pred, V_offset * pairs);
    t["force_error"] = error_distribution(errors.back());
    if (resolved.policy == TailPolicy::Power)
      t["tail"] = {{"r_on", resolved.r_on}, {"r_hi", resolved.r_hi}, {"n", resolved.n}, {"A", resolved.A},
                   {"C", resolved.C}, {"fitted", resolved.fitted}};
    t["support_visits"] = {{"fraction_outside", pred.support_visits.fraction_outside()},
                           {"summary", support_visits_summary(pred.support_visits)}};
    tails[name] = t;
    say("at scale (" + std::to_string(N) + " particles), tail " + name + ": median relative force error " +
        std::to_string(t["force_error"]["median"].get<double>()) + ", p90 " +
        std::to_string(t["force_error"]["p90"].get<double>()) + "; " + support_visits_summary(pred.support_visits));
    const std::string warn = support_visits_warning(pred.support_visits, support_warn);
    if (!warn.empty()) std::fprintf(stderr, "at scale, tail %s: %s\n", name.c_str(), warn.c_str());
  }
  result["tails"] = tails;
  std::ostringstream csv;  // per-particle errors, one column per policy (scripts/plot_run.py draws their CDFs)
  csv.precision(10);
  csv << "particle";
  for (const ModelTail& t : spec.tails) csv << ',' << at_scale_tail_file_name(t);
  csv << '\n';
  for (int i = 0; i < N; ++i) {
    csv << i;
    for (const auto& e : errors) csv << ',' << e[i];
    csv << '\n';
  }
  write_text_file_atomic((out / "force_errors.csv").string(), csv.str());
  return result;
}

}  // namespace noether
