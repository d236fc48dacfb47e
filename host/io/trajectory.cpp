// io/trajectory.cpp — initial states from .npz files and trajectory output (io/trajectory.hpp).
#include <algorithm>
#include <cmath>

#include "noether/core/error.hpp"
#include "noether/io/npz.hpp"
#include "noether/io/trajectory.hpp"
#include "noether/physics/bulk_observables.hpp"
#include "noether/physics/smoothing_code.hpp"

namespace noether {
namespace {

const NpyArray& require_key(const NpzArchive& a, const std::string& key, const std::string& path,
                            const std::string& expected) {
  auto it = a.find(key);
  NOETHER_REQUIRE(it != a.end(), path << ": missing key '" << key << "' (expected " << expected << ")");
  return it->second;
}

}  // namespace

std::vector<std::size_t> check_trajectory_archive(const NpzArchive& a, const std::string& path,
                                                  const std::vector<std::string>& required) {
  for (const std::string& k : required)
    NOETHER_REQUIRE(a.count(k), path << ": missing key '" << k << "' (a trajectory file of docs/FORMATS.md)");
  const NpyArray& P = require_key(a, "positions", path, "(B, T, N, D)");
  const auto& p = P.shape;
  NOETHER_REQUIRE(p.size() == 4 && (p[3] == 2 || p[3] == 3) && p[0] >= 1 && p[1] >= 1 && p[2] >= 1,
                  path << ": key 'positions' has shape " << shape_str(p)
                       << ", expected a trajectory (B, T, N, D) with D = 2 or 3 and no empty axis");
  const std::size_t B = p[0], T = p[1], N = p[2], D = p[3];
  using S = std::vector<std::size_t>;
  struct Known {
    const char* key;
    std::vector<S> shapes;
    const char* expected;
  };
  const std::vector<Known> known = {
      {"velocities", {p}, "the shape of 'positions'"},
      {"accelerations", {p}, "the shape of 'positions'"},
      {"masses", {S{N}, S{B, N}}, "(N,) or (B, N)"},
      {"times", {S{T}}, "(T,)"},
      {"kinetic_energy", {S{B, T}}, "(B, T)"},
      {"potential_energy", {S{B, T}}, "(B, T)"},
      {"lagrangian", {S{B, T}}, "(B, T)"},
      {"hamiltonian", {S{B, T}}, "(B, T)"},
      {"linear_momentum", {S{B, T, D}}, "(B, T, D)"},
      {"angular_momentum", {D == 3 ? S{B, T, 3} : S{B, T}}, D == 3 ? "(B, T, 3) in 3-D" : "(B, T) in 2-D"},
      // bulk runs (docs/BULK.md)
      {"box", {S{D}}, "(D,)"},
      {"periodic", {S{D}}, "(D,)"},
      {"species", {S{N}}, "(N,)"},
      {"images", {p}, "the shape of 'positions'"},
      {"virial", {S{B, T}}, "(B, T)"},
      {"temperature", {S{B, T}}, "(B, T)"},
      {"pressure", {S{B, T}}, "(B, T)"},
      {"msd", {S{B, T}}, "(B, T)"},
  };
  // support_range (S, S, 2) and support_visits (S, S, 3) (physics/support_visits.hpp) are not tied to B, T, N, D:
  // checked for finiteness only.
  for (const char* k : {"support_range", "support_visits"}) {
    auto it = a.find(k);
    if (it == a.end()) continue;
    const auto& sh = it->second.shape;
    const std::size_t last = std::string(k) == "support_range" ? 2 : 3;
    NOETHER_REQUIRE(sh.size() == 3 && sh[0] == sh[1] && sh[0] >= 1 && sh[2] == last,
                    path << ": key '" << k << "' has shape " << shape_str(sh) << ", expected (S, S, " << last << ")");
  }
  const auto finite = [&](const std::string& key, const NpyArray& arr, bool positive) {
    for (std::size_t k = 0; k < arr.data.size(); ++k) {
      const double x = arr.data[k];
      NOETHER_REQUIRE(std::isfinite(x) && (!positive || x > 0),
                      path << ": key '" << key << "' has " << (positive ? "a mass that is not finite and > 0" : "a non-finite value")
                           << " (" << x << ") at flat index " << k << "; metrics of non-finite data are meaningless");
    }
  };
  finite("positions", P, false);
  for (const Known& k : known) {
    auto it = a.find(k.key);
    if (it == a.end()) continue;
    const S& sh = it->second.shape;
    NOETHER_REQUIRE(std::find(k.shapes.begin(), k.shapes.end(), sh) != k.shapes.end(),
                    path << ": key '" << k.key << "' has shape " << shape_str(sh) << ", expected " << k.expected
                         << " ('positions' is " << shape_str(p) << ")");
    finite(k.key, it->second, std::string(k.key) == "masses");
  }
  return p;
}

InitialState load_initial_state_npz(const std::string& path) {
  const NpzArchive a = read_npz(path);
  const std::string state_shape = "(B, N, D), (N, D) or a trajectory's (B, T, N, D) with D = 2 or 3";
  const NpyArray& P = require_key(a, "positions", path, state_shape);
  const NpyArray& V = require_key(a, "velocities", path, "the shape of 'positions'");
  const NpyArray& M = require_key(a, "masses", path, "(N) or (B, N)");
  NOETHER_REQUIRE(P.shape.size() >= 2 && P.shape.size() <= 4,
                  path << ": key 'positions' has shape " << shape_str(P.shape) << ", expected " << state_shape);
  NOETHER_REQUIRE(V.shape == P.shape, path << ": key 'velocities' has shape " << shape_str(V.shape)
                                           << ", expected the shape of 'positions' " << shape_str(P.shape));
  InitialState s;
  const auto& sh = P.shape;
  const std::size_t r = sh.size();
  s.D = int(sh[r - 1]);
  s.N = int(sh[r - 2]);
  s.B = r >= 3 ? int(sh[0]) : 1;
  const std::size_t T = r == 4 ? sh[1] : 1;
  NOETHER_REQUIRE(s.D == 2 || s.D == 3, path << ": key 'positions' has shape " << shape_str(sh) << ", expected last axis D = 2 or 3");
  NOETHER_REQUIRE(T >= 1 && s.N >= 1 && s.B >= 1, path << ": key 'positions' has an empty axis: " << shape_str(sh));
  const std::size_t frame = std::size_t(s.N) * s.D;
  for (int b = 0; b < s.B; ++b) {  // first frame of each trajectory
    const std::size_t o = std::size_t(b) * T * frame;
    s.pos.insert(s.pos.end(), P.data.begin() + o, P.data.begin() + o + frame);
    s.vel.insert(s.vel.end(), V.data.begin() + o, V.data.begin() + o + frame);
  }
  if (M.shape.size() == 1) {
    NOETHER_REQUIRE(M.shape[0] == std::size_t(s.N), path << ": key 'masses' has shape " << shape_str(M.shape)
                                                       << ", expected (" << s.N << ",) or (" << s.B << ", " << s.N << ")");
    for (int b = 0; b < s.B; ++b) s.mass.insert(s.mass.end(), M.data.begin(), M.data.end());
  } else {
    NOETHER_REQUIRE(M.shape.size() == 2 && M.shape[0] == std::size_t(s.B) && M.shape[1] == std::size_t(s.N),
                    path << ": key 'masses' has shape " << shape_str(M.shape) << ", expected (" << s.N << ",) or ("
                         << s.B << ", " << s.N << ")");
    s.mass = M.data;
  }
  // Optional bulk keys: box (D) lengths with periodic (D) flags (default all periodic), species (N) indices.
  if (auto bx = a.find("box"); bx != a.end()) {
    NOETHER_REQUIRE(bx->second.shape == std::vector<std::size_t>{std::size_t(s.D)},
                    path << ": key 'box' has shape " << shape_str(bx->second.shape) << ", expected (" << s.D << ",): the box lengths");
    s.box.present = true;
    for (int c = 0; c < s.D; ++c) {
      s.box.L[c] = bx->second.data[c], s.box.periodic[c] = true;
      NOETHER_REQUIRE(std::isfinite(s.box.L[c]) && s.box.L[c] > 0, path << ": key 'box': length " << c << " is " << s.box.L[c] << ", expected > 0");
    }
    if (auto pr = a.find("periodic"); pr != a.end()) {
      NOETHER_REQUIRE(pr->second.shape == bx->second.shape,
                      path << ": key 'periodic' has shape " << shape_str(pr->second.shape) << ", expected (" << s.D << ",)");
      for (int c = 0; c < s.D; ++c) s.box.periodic[c] = pr->second.data[c] != 0;
    }
  } else {
    NOETHER_REQUIRE(!a.count("periodic"), path << ": key 'periodic' without key 'box'");
  }
  if (auto sp = a.find("species"); sp != a.end()) {
    NOETHER_REQUIRE(sp->second.shape == std::vector<std::size_t>{std::size_t(s.N)},
                    path << ": key 'species' has shape " << shape_str(sp->second.shape) << ", expected (" << s.N << ",)");
    for (double x : sp->second.data) {
      NOETHER_REQUIRE(x >= 0 && x < 64 && x == std::floor(x), path << ": key 'species': " << x << " is not a species index (an integer in [0, 64))");
      s.species.push_back(int(x));
    }
  }
  validate_initial_state(s, path);
  return s;
}

Trajectory trajectory_from_archive(const NpzArchive& a, const std::string& path) {
  const auto dims = check_trajectory_archive(a, path, {"positions"});
  Trajectory t;
  t.B = int(dims[0]), t.T = int(dims[1]), t.N = int(dims[2]), t.D = int(dims[3]);
  const std::size_t B = t.B, T = t.T, N = t.N, D = t.D;
  auto get = [&](const char* k) -> const NpyArray* {
    auto it = a.find(k);
    return it == a.end() ? nullptr : &it->second;
  };
  auto integers = [&](const NpyArray& x, const char* k, double lo) {
    std::vector<int> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double v = x.data[i];
      NOETHER_REQUIRE(v == std::floor(v) && v >= lo && std::fabs(v) < 1e9,
                      path << ": key '" << k << "': element " << i << " is " << v << ", expected an integer"
                           << (lo > -1e9 ? " >= 0" : ""));
      out[i] = int(v);
    }
    return out;
  };
  t.pos = get("positions")->data;
  if (auto* v = get("velocities")) t.vel = v->data;
  if (auto* v = get("accelerations")) t.acc = v->data;
  if (auto* m = get("masses")) {
    t.mass = m->data;
    if (m->shape.size() == 1) {  // (N): the same masses in every trajectory
      t.mass.resize(B * N);
      for (std::size_t b = 1; b < B; ++b) std::copy(m->data.begin(), m->data.end(), t.mass.begin() + b * N);
    }
  } else {
    t.mass.assign(B * N, 1.0);
  }
  t.times.resize(T);
  if (auto* x = get("times"))
    t.times = x->data;
  else
    for (std::size_t f = 0; f < T; ++f) t.times[f] = double(f);
  t.frames.resize(T);
  const NpyArray *K = get("kinetic_energy"), *U = get("potential_energy");
  for (std::size_t f = 0; f < T; ++f) {
    if (K) t.frames[f].kinetic.resize(B);
    if (U) t.frames[f].potential.resize(B);
    for (std::size_t b = 0; b < B; ++b) {
      if (K) t.frames[f].kinetic[b] = K->data[b * T + f];
      if (U) t.frames[f].potential[b] = U->data[b * T + f];
    }
  }
  const NpyArray *box = get("box"), *per = get("periodic");
  NOETHER_REQUIRE(!per || box, path << ": key 'periodic' is given without the key 'box'");
  if (box) {
    t.box.present = true;
    for (std::size_t c = 0; c < D; ++c) {
      NOETHER_REQUIRE(box->data[c] > 0, path << ": key 'box': length " << c << " is " << box->data[c] << ", expected > 0");
      t.box.L[c] = box->data[c];
      const double pc = per ? per->data[c] : 1.0;
      NOETHER_REQUIRE(pc == 0 || pc == 1, path << ": key 'periodic': element " << c << " is " << pc << ", expected 0 or 1");
      t.box.periodic[c] = pc == 1;
    }
  }
  if (auto* s = get("species")) t.species = integers(*s, "species", 0);
  if (auto* im = get("images")) t.images = integers(*im, "images", -2e9);
  if (auto* w = get("virial")) t.virial = w->data;
  return t;
}

std::vector<NpzEntry> trajectory_npz_entries(const Trajectory& t) {
  using S = std::vector<std::size_t>;
  const std::size_t B = t.B, T = t.T, N = t.N, D = t.D, A = angular_components(t.D);
  const bool f32 = t.float32;
  std::vector<NpzEntry> e;
  e.push_back({"positions", {B, T, N, D}, t.pos, f32});
  e.push_back({"velocities", {B, T, N, D}, t.vel, f32});
  e.push_back({"accelerations", {B, T, N, D}, t.acc, f32});
  e.push_back({"masses", {B, N}, t.mass, f32});
  e.push_back({"times", {T}, t.times, false});
  // Observables, (B, T[, ...]) in float64.
  std::vector<double> K(B * T), U(B * T), L(B * T), H(B * T), P(B * T * D), J(B * T * A);
  for (std::size_t f = 0; f < T; ++f) {
    const FrameObservables& o = t.frames[f];
    for (std::size_t b = 0; b < B; ++b) {
      K[b * T + f] = o.kinetic[b];
      U[b * T + f] = o.potential[b];
      L[b * T + f] = o.kinetic[b] - o.potential[b];
      H[b * T + f] = o.kinetic[b] + o.potential[b];
      for (std::size_t c = 0; c < D; ++c) P[(b * T + f) * D + c] = o.momentum[b * D + c];
      for (std::size_t c = 0; c < A; ++c) J[(b * T + f) * A + c] = o.angular[b * A + c];
    }
  }
  e.push_back({"kinetic_energy", S{B, T}, K, false});
  e.push_back({"potential_energy", S{B, T}, U, false});
  e.push_back({"lagrangian", S{B, T}, L, false});
  e.push_back({"hamiltonian", S{B, T}, H, false});
  e.push_back({"linear_momentum", S{B, T, D}, P, false});
  e.push_back({"angular_momentum", A == 3 ? S{B, T, 3} : S{B, T}, J, false});
  // Bulk runs (physics/bulk.hpp): box, species, image counters and the bulk observables.
  if (t.box.present) {
    std::vector<double> L(D), per(D);
    for (std::size_t c = 0; c < D; ++c) L[c] = t.box.L[c], per[c] = t.box.periodic[c] ? 1.0 : 0.0;
    e.push_back({"box", S{D}, L, false});
    e.push_back({"periodic", S{D}, per, false});
  }
  if (!t.species.empty()) e.push_back({"species", S{N}, std::vector<double>(t.species.begin(), t.species.end()), false});
  if (!t.images.empty()) e.push_back({"images", S{B, T, N, D}, std::vector<double>(t.images.begin(), t.images.end()), false});
  if (!t.images.empty())  // MSD(t) from unwrapped positions (physics/bulk_observables.hpp)
    e.push_back({"msd", S{B, T},
                 mean_squared_displacement(t.pos.data(), t.images.data(), int(B), int(T), int(N), int(D), t.box), false});
  if (!t.virial.empty()) {
    std::vector<double> Tk(B * T), Pr;
    const double vol = t.box.volume(t.D);
    for (std::size_t k = 0; k < B * T; ++k) Tk[k] = kinetic_temperature(K[k], int(N), int(D));
    e.push_back({"virial", S{B, T}, t.virial, false});
    e.push_back({"temperature", S{B, T}, Tk, false});
    if (vol > 0) {
      Pr.resize(B * T);
      for (std::size_t k = 0; k < B * T; ++k) Pr[k] = virial_pressure(K[k], t.virial[k], int(D), vol);
      e.push_back({"pressure", S{B, T}, Pr, false});
    }
  }
  if (!t.rdf.empty()) {
    const std::size_t Sp = t.rdf_species, bins = t.rdf_bins;
    std::vector<double> r(bins);
    for (std::size_t k = 0; k < bins; ++k) r[k] = (k + 0.5) * t.rdf_r_max / double(bins);
    e.push_back({"rdf", S{Sp, Sp, bins}, t.rdf, false});
    e.push_back({"rdf_r", S{bins}, r, false});
  }
  if (t.cutoff_species > 0) {  // the run's cutoff per species pair (physics/smoothing_code.hpp)
    const std::size_t Sp = std::size_t(t.cutoff_species);
    std::vector<double> rc, ron, sm;
    for (const CutoffSpec& c : t.pair_cutoffs) {
      rc.push_back(c.cutoff), ron.push_back(c.r_on);
      sm.push_back(smoothing_code(c.smoothing));
    }
    e.push_back({"cutoff", S{Sp, Sp}, rc, false});
    e.push_back({"r_on", S{Sp, Sp}, ron, false});
    e.push_back({"smoothing", S{Sp, Sp}, sm, false});
  }
  if (t.support_visits.counted()) {  // physics/support_visits.hpp: per species pair [lo, hi] and [visits, below, above]
    const SupportVisits& v = t.support_visits;
    const std::size_t Sp = v.S;
    std::vector<double> range(Sp * Sp * 2), counts(Sp * Sp * 3);
    for (std::size_t k = 0; k < Sp * Sp; ++k) {
      range[2 * k] = v.support[k].lo, range[2 * k + 1] = v.support[k].hi;
      counts[3 * k] = double(v.total[k]), counts[3 * k + 1] = double(v.below[k]), counts[3 * k + 2] = double(v.above[k]);
    }
    e.push_back({"support_range", S{Sp, Sp, 2}, range, false});
    e.push_back({"support_visits", S{Sp, Sp, 3}, counts, false});
  }
  return e;
}

void write_trajectory_npz(const std::string& path, const Trajectory& t) { write_npz(path, trajectory_npz_entries(t)); }

}  // namespace noether
