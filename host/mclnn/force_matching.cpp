// mclnn/force_matching.cpp — stencil accelerations, the B-spline basis and the linear least-squares force match
// (formulas in mclnn/force_matching.hpp). Single-threaded and in a fixed order: bitwise reproducible.
#include "noether/mclnn/force_matching.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "noether/core/error.hpp"

namespace noether {
namespace {
// Gauss–Legendre nodes and weights on [−1, 1] (5 points: exact for polynomials of degree 9).
constexpr int kPathGauss = 5;
constexpr double kGaussX[kPathGauss] = {-0.9061798459386640, -0.5384693101056831, 0.0, 0.5384693101056831,
                                        0.9061798459386640};
constexpr double kGaussW[kPathGauss] = {0.2369268850561891, 0.4786286704993665, 0.5688888888888889,
                                        0.4786286704993665, 0.2369268850561891};
}  // namespace

bool SplineBasis::weights(double r, int& first, double* w) const {
  if (log && !(r > 0)) return false;
  const double u = ((log ? std::log(r) : r) - lo) / h;
  if (!(u >= -1e-12) || u > intervals * (1 + 1e-12)) return false;  // hi itself, despite the rounding of (r − lo)/h
  int i = std::max(0, int(std::floor(u)));
  if (i >= intervals) i = intervals - 1;  // r == hi: the last interval, t = 1
  const double t = u - i, s = 1 - t, t2 = t * t, t3 = t2 * t;
  w[0] = s * s * s / 6;
  w[1] = (3 * t3 - 6 * t2 + 4) / 6;
  w[2] = (-3 * t3 + 3 * t2 + 3 * t + 1) / 6;
  w[3] = t3 / 6;
  first = i;
  return true;
}

double SplineBasis::eval(const double* c, double r) const {
  int i;
  double w[4];
  if (!weights(r, i, w)) return 0.0;
  return c[i] * w[0] + c[i + 1] * w[1] + c[i + 2] * w[2] + c[i + 3] * w[3];
}

void stencil_acceleration(const double* q, std::size_t fs, std::size_t n, int points, double delta, double* a) {
  const double inv = 1.0 / (delta * delta);
  // The neighbouring frames as pointers of their own: q[k − fs] with an unsigned k − fs wraps around (UBSan: pointer
  // overflow), although the address it means is inside the array.
  const double *qm1 = q - fs, *qp1 = q + fs;
  if (points == 3) {
    for (std::size_t k = 0; k < n; ++k) a[k] = (qp1[k] - 2 * q[k] + qm1[k]) * inv;
  } else {
    const double *qm2 = q - 2 * fs, *qp2 = q + 2 * fs;
    for (std::size_t k = 0; k < n; ++k)
      a[k] = (-qm2[k] + 16 * qm1[k] - 30 * q[k] + 16 * qp1[k] - qp2[k]) * (inv / 12);
  }
}

void force_match_node_positions(const double* q, std::size_t f, const std::vector<double>& L, int G, double* qg) {
  for (int g = 0; g < G; ++g)
    for (std::size_t x = 0; x < f; ++x) {
      double v = 0;
      for (int k = 0; k < 5; ++k) {
        const double l = L[std::size_t(g) * 5 + k];
        if (l != 0) v += l * q[std::ptrdiff_t(x) + (std::ptrdiff_t(k) - 2) * std::ptrdiff_t(f)];
      }
      qg[std::size_t(g) * f + x] = v;
    }
}

int force_match_stencil(int T, int requested) {
  NOETHER_REQUIRE(requested == 3 || requested == 5,
                  "force matching: stencil must be 3 or 5 points, got " << requested);
  NOETHER_REQUIRE(T >= 3, "force matching: the acceleration stencil needs at least 3 frames per trajectory, got "
                              << T << " (train with init 'random' / --init random instead)");
  return (requested == 5 && T >= 5) ? 5 : 3;
}

void force_match_nodes(bool path, std::vector<double>& nodes, std::vector<double>& W, std::vector<double>& L) {
  nodes.clear(), W.clear();
  if (path) {
    for (int g = 0; g < kPathGauss; ++g) {
      const double x = 0.5 * (1 + kGaussX[g]), wg = 0.5 * kGaussW[g] * (1 - x);  // ∫_0^1 (1 − x) f(x) dx
      nodes.push_back(x), W.push_back(wg);
      nodes.push_back(-x), W.push_back(wg);
    }
  } else {
    nodes.push_back(0.0), W.push_back(1.0);  // the stencil's own frame
  }
  const int G = int(nodes.size());
  L.assign(std::size_t(G) * 5, 0.0);  // (G, 5): q̃(σ_g) = Σ_k L[g][k] q_{t+k−2}
  for (int g = 0; g < G; ++g)
    for (int k = 0; k < 5; ++k) {
      double l = 1;
      for (int m = 0; m < 5; ++m)
        if (m != k) l *= (nodes[g] - (m - 2)) / double(k - m);
      L[std::size_t(g) * 5 + k] = path ? l : (k == 2 ? 1.0 : 0.0);
    }
}

ForceMatchProblem::ForceMatchProblem(const SplineBasis& basis, int kinds)
    : ForceMatchProblem(std::vector<SplineBasis>(std::size_t(std::max(kinds, 0)), basis)) {}

ForceMatchProblem::ForceMatchProblem(const std::vector<SplineBasis>& bases)
    : bases_(bases), kinds_(int(bases.size())), M_(0) {
  NOETHER_REQUIRE(kinds_ >= 1, "force matching: kinds must be >= 1, got " << kinds_);
  for (const SplineBasis& basis : bases_) {
    NOETHER_REQUIRE(basis.intervals >= 1 && basis.h > 0 && std::isfinite(basis.lo) && std::isfinite(basis.h),
                    "force matching: bad spline basis (lo " << basis.lo << ", h " << basis.h << ", intervals "
                                                             << basis.intervals << ")");
    offset_.push_back(M_);
    M_ += basis.size();
  }
  ata_.assign(std::size_t(M_) * M_, 0.0);
  atb_.assign(M_, 0.0);
}

void ForceMatchProblem::add_particle(const double* force, int D, const ForcePairTerm* pairs, int n) {
  // Row d: Σ over pairs of −B_k(r) û_d in column offset_κ + k; at most 4 non-zeros per pair, merged per column.
  std::vector<int> cols;
  std::vector<double> vals;
  for (int d = 0; d < D; ++d) {
    cols.clear(), vals.clear();
    for (int p = 0; p < n; ++p) {
      int first;
      double w[4];
      const int kind = pairs[p].kind;
      NOETHER_REQUIRE(kind >= 0 && kind < kinds_, "force matching: pair kind " << kind << " outside [0, " << kinds_ << ")");
      if (!bases_[kind].weights(pairs[p].r, first, w)) continue;
      for (int k = 0; k < 4; ++k) {
        const int c = offset_[kind] + first + k;
        const double v = -w[k] * pairs[p].u[d];
        const auto it = std::find(cols.begin(), cols.end(), c);
        if (it == cols.end()) cols.push_back(c), vals.push_back(v);
        else vals[std::size_t(it - cols.begin())] += v;
      }
    }
    const double b = force[d];
    for (std::size_t x = 0; x < cols.size(); ++x) {
      atb_[cols[x]] += vals[x] * b;
      for (std::size_t y = 0; y < cols.size(); ++y) ata_[std::size_t(cols[x]) * M_ + cols[y]] += vals[x] * vals[y];
    }
    btb_ += b * b;
    ++rows_;
  }
}

ForceMatchSolution ForceMatchProblem::solve(double smoothness, double ridge) const {
  NOETHER_REQUIRE(rows_ > 0, "force matching: no equations (no frames where the acceleration stencil fits)");
  NOETHER_REQUIRE(smoothness >= 0 && ridge >= 0, "force matching: smoothness and ridge must be >= 0");
  Eigen::MatrixXd A(M_, M_);
  Eigen::VectorXd rhs(M_);
  for (int x = 0; x < M_; ++x) {
    rhs[x] = atb_[x];
    for (int y = 0; y < M_; ++y) A(x, y) = ata_[std::size_t(x) * M_ + y];
  }
  double tau = A.trace() / M_;
  if (!(tau > 0)) tau = 1.0;
  const double ls = smoothness * tau, lr = std::max(ridge * tau, 1e-14 * tau);
  for (int kind = 0; kind < kinds_; ++kind)
    for (int k = 0; k + 2 < bases_[kind].size(); ++k) {  // λ_s (c_k − 2c_{k+1} + c_{k+2})², within a kind
      const int o = offset_[kind] + k;
      const double dv[3] = {1, -2, 1};
      for (int x = 0; x < 3; ++x)
        for (int y = 0; y < 3; ++y) A(o + x, o + y) += ls * dv[x] * dv[y];
    }
  for (int x = 0; x < M_; ++x) A(x, x) += lr;
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(A);
  NOETHER_REQUIRE(ldlt.info() == Eigen::Success, "force matching: the normal equations could not be factorised");
  const Eigen::VectorXd c = ldlt.solve(rhs);
  NOETHER_REQUIRE(c.allFinite(), "force matching: the least-squares solution is not finite");
  ForceMatchSolution s;
  s.basis = bases_[0];
  s.bases = bases_;
  s.offset = offset_;
  s.kinds = kinds_;
  s.coef.assign(c.data(), c.data() + M_);
  s.rows = rows_;
  // |b − A c|² = bᵀb − 2 cᵀAᵀb + cᵀ(AᵀA)c with the unpenalised AᵀA.
  double ctatb = 0, ctatac = 0;
  for (int x = 0; x < M_; ++x) {
    ctatb += c[x] * atb_[x];
    for (int y = 0; y < M_; ++y) ctatac += c[x] * ata_[std::size_t(x) * M_ + y] * c[y];
  }
  s.rms_force = std::sqrt(btb_ / double(rows_));
  s.rms_residual = std::sqrt(std::max(0.0, btb_ - 2 * ctatb + ctatac) / double(rows_));
  return s;
}

ForceMatchSolution force_match(const TrajectoryData& data, const std::vector<int>& trajectories, double lo, double upper,
                               const ForceMatchOptions& o) {
  const int points = force_match_stencil(data.T, o.stencil);
  NOETHER_REQUIRE(!trajectories.empty(), data.source << ": force matching: no trajectories");
  NOETHER_REQUIRE(std::isfinite(lo) && std::isfinite(upper) && upper > lo && lo >= 0,
                  data.source << ": force matching: bad distance range [" << lo << ", " << upper << "]");
  NOETHER_REQUIRE(o.intervals >= 1 && o.intervals <= 10000,
                  "force matching: intervals must be in [1, 10000], got " << o.intervals);
  NOETHER_REQUIRE(o.extend >= 0 && std::isfinite(o.extend), "force matching: extend must be >= 0, got " << o.extend);
  NOETHER_REQUIRE(data.frame_dt > 0, data.source << ": force matching: the frame spacing must be > 0");
  const int N = data.N, D = data.D, half = points / 2;
  const std::size_t f = std::size_t(N) * D;
  const bool path = o.path && points == 5;
  std::vector<double> nodes, W, L;
  force_match_nodes(path, nodes, W, L);
  const int G = int(nodes.size());
  std::vector<double> qg(std::size_t(G) * f);
  const auto node_positions = [&](const double* q) { force_match_node_positions(q, f, L, G, qg.data()); };
  const auto distance = [&](const double* y, int i, int j) {
    double r2 = 0;
    for (int d = 0; d < D; ++d) r2 += (y[i * D + d] - y[j * D + d]) * (y[i * D + d] - y[j * D + d]);
    return std::sqrt(r2);
  };
  // The distances the equations reach (frames, or the path's nodes): the basis extends below lo and past upper to
  // cover them with the same spacing, at most intervals/4 below and extend·(upper − lo) above.
  double rmin = lo, rmax = upper;
  for (int b : trajectories)
    for (int t = half; t < data.T - half; ++t) {
      node_positions(data.q(b, t));
      for (int g = 0; g < G; ++g)
        for (int i = 0; i < N; ++i)
          for (int j = i + 1; j < N; ++j) {
            const double r = distance(qg.data() + std::size_t(g) * f, i, j);
            rmin = std::min(rmin, r), rmax = std::max(rmax, r);
          }
    }
  // In g = log r with log_knots: the same construction over [log lo, log upper].
  NOETHER_REQUIRE(!o.log_knots || lo > 0, data.source << ": force matching: knots in log r need distances > 0, the "
                                                         "smallest is " << lo);
  const auto g = [&](double r) { return o.log_knots ? std::log(std::max(r, 1e-300)) : r; };
  const double glo = g(lo), gup = g(upper), grmin = g(rmin), grmax = g(rmax);
  SplineBasis basis;
  basis.log = o.log_knots;
  basis.h = (gup - glo) / o.intervals;
  const int below = std::min(o.intervals / 4, int(std::ceil((glo - grmin) / basis.h - 1e-9)));
  basis.lo = glo - below * basis.h;
  const double reach = std::min(grmax, gup + o.extend * (gup - glo));
  basis.intervals = below + o.intervals + int(std::ceil((reach - gup) / basis.h - 1e-9));
  ForceMatchProblem problem(basis, 1);
  std::vector<double> acc(f), force(D);
  std::vector<ForcePairTerm> pairs(std::size_t(G) * std::max(N - 1, 1));
  for (int b : trajectories) {
    const double* m = data.m(b);
    for (int t = half; t < data.T - half; ++t) {
      const double* q = data.q(b, t);
      // Target: the stencil; with the path, the 3-point second difference, exactly the hat-weighted mean of a.
      stencil_acceleration(q, f, f, path ? 3 : points, data.frame_dt, acc.data());
      node_positions(q);
      for (int i = 0; i < N; ++i) {
        int n = 0;
        for (int g = 0; g < G; ++g) {
          const double* y = qg.data() + std::size_t(g) * f;
          for (int j = 0; j < N; ++j) {
            if (j == i) continue;
            ForcePairTerm& p = pairs[n++];
            double r2 = 0;
            for (int d = 0; d < D; ++d) r2 += (y[i * D + d] - y[j * D + d]) * (y[i * D + d] - y[j * D + d]);
            p.r = std::sqrt(r2);
            for (int d = 0; d < D; ++d) p.u[d] = p.r > 0 ? W[g] * (y[i * D + d] - y[j * D + d]) / p.r : 0.0;
          }
        }
        for (int d = 0; d < D; ++d) force[d] = m[i] * acc[std::size_t(i) * D + d];
        problem.add_particle(force.data(), D, pairs.data(), n);
      }
    }
  }
  ForceMatchSolution s = problem.solve(o.smoothness, o.ridge);
  s.stencil = points;
  return s;
}

}  // namespace noether
