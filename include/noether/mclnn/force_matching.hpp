// mclnn/force_matching.hpp — the force-matching start of MCLNN training (issue 16): accelerations estimated from
// the saved positions by a central-difference stencil, and dV/dr fitted by LINEAR least squares on a cubic
// B-spline basis (float64, Eigen), before the trajectory loss (mclnn/train.hpp) takes over.
//
// The model is Newton's law for pair forces, linear in the basis coefficients c of every pair kind κ:
//   m_i a_i = −Σ_{j≠i} V′_κ(ij)(r_ij) û_ij,   V′_κ(r) = Σ_k c_{κ,k} B_k(r),   û_ij = (q_i − q_j)/r_ij,
// one equation per particle, dimension and frame. The coefficients minimise
//   Σ_rows (m_i a_id − Σ_j Σ_k c_{κ,k} (−B_k(r_ij) û_ij,d))² + λ_s Σ_κ Σ_k (Δ² c_κ)_k² + λ_r |c|²,
// Δ² c_k = c_k − 2c_{k+1} + c_{k+2} (a P-spline smoothness penalty, Eilers & Marx 1996), λ_s = smoothness·τ and
// λ_r = ridge·τ with τ = trace(AᵀA)/M (M coefficients), solved from the normal equations by Cholesky (LDLᵀ).
//
// The equations (force_match). With the path form (default, T >= 5 frames) the exact identity of any trajectory
// with frames Δ apart,
//   (q_{t+1} − 2q_t + q_{t−1}) / Δ² = ∫_{−1}^{1} (1 − |σ|) a(t + σΔ) dσ,
// is used with a = M⁻¹F(q) along q̃(σ), the quintic through the frames t−2 … t+2, by Gauss–Legendre quadrature (5
// nodes on each half, W_g = the node weight × (1 − |σ_g|)):
//   m_i (q_{t+1} − 2q_t + q_{t−1})_i / Δ² = −Σ_g W_g Σ_j V′(r̃_ij(σ_g)) ũ_ij(σ_g).
// Only positions are interpolated, never differentiated, so the coarse frames' bias is far smaller than a stencil's:
// measured on the zoo's data (frames 0.1 apart), the fitted dV/dr's error fell from 8.5% to 3.0% (Lennard-Jones),
// 1.3% to 0.15% (double well), 0.10% to 0.018% (Morse) against the 5-point stencil
//   a_t ≈ (−q_{t−2} + 16 q_{t−1} − 30 q_t + 16 q_{t+1} − q_{t+2}) / (12 Δ²)      (error −Δ⁴ q⁽⁶⁾/90),
// itself far better than the 3-point one (error Δ² q⁽⁴⁾/12: on the zoo's Lennard-Jones data 28% vs 21% RMS error
// of the accelerations, Morse 3.0% vs 0.5%). Trajectories of 3 or 4 frames use the 3-point stencil at the middle
// frames (q̃ = q_t); fewer than 3 frames are an error. Velocity Verlet data saved every step satisfy the 3-point
// relation exactly: q_{n+1} − 2q_n + q_{n−1} = a_n dt².
//
// ForceMatchProblem is geometry-free (it takes each particle's force and its pair terms) and may give every kind its
// own basis: the bulk driver (mclnn/bulk_force_match.hpp) feeds it minimum-image pairs with one kind and one basis per
// species pair; force_match() is the open-space driver.
#pragma once
#include <cstddef>
#include <vector>

#include "noether/mclnn/dataset.hpp"

namespace noether {

/// Uniform cubic B-spline basis in g(r) on knots lo + k·h, k = 0 … intervals: size() = intervals + 3 functions. On
/// interval i (u = (g(r) − lo)/h, i = ⌊u⌋, t = u − i) functions i … i+3 are non-zero with the weights
///   (1−t)³/6,  (3t³ − 6t² + 4)/6,  (−3t³ + 3t² + 3t + 1)/6,  t³/6.
/// g(r) = r, or log r when `log` (knots spaced evenly in log r, as the network's log input: physics/pair_mlp.hpp);
/// lo, h and hi() are in g. Outside [lo, hi] every function is 0 (a pair there is taken as force-free).
struct SplineBasis {
  double lo = 0, h = 1;
  int intervals = 1;
  bool log = false;
  int size() const { return intervals + 3; }
  double hi() const { return lo + h * intervals; }
  /// The first non-zero function index and its four weights w (4) at r; false outside [lo, hi].
  bool weights(double r, int& first, double* w) const;
  /// Σ_k c_k B_k(r); c is (size()).
  double eval(const double* c, double r) const;
};

/// Accelerations from positions. points = 5 (default):
///   a_t ≈ (−q_{t−2} + 16 q_{t−1} − 30 q_t + 16 q_{t+1} − q_{t+2}) / (12 Δ²),   error −Δ⁴ q⁽⁶⁾/90,
/// points = 3:   a_t ≈ (q_{t+1} − 2 q_t + q_{t−1}) / Δ²,                       error  Δ² q⁽⁴⁾/12.
/// Δ = the frame spacing. q points at frame t of a trajectory whose frames are `frame_stride` values apart; n values
/// per frame; a is (n). The caller keeps t − points/2 … t + points/2 inside the trajectory.
void stencil_acceleration(const double* q, std::size_t frame_stride, std::size_t n, int points, double delta,
                          double* a);

/// The stencil force matching uses on trajectories of T frames when `requested` points are asked for: 5 when
/// T >= 5, else 3 (documented fallback); throws noether::Error when T < 3 or requested is not 3 or 5.
int force_match_stencil(int T, int requested);

/// The nodes σ_g of the path form (path = true: 5 Gauss–Legendre nodes on each half of [−1, 1], W_g = the node weight
/// × (1 − |σ_g|) / 2 per half) or the frame itself (path = false: σ = 0, W = 1), and L (G, 5) the weights of the frames
/// t−2 … t+2 in q̃(σ_g) = Σ_k L[g][k] q_{t+k−2} (the quintic through them; path = false: q_t).
void force_match_nodes(bool path, std::vector<double>& nodes, std::vector<double>& W, std::vector<double>& L);
/// Positions at the G quadrature nodes around frame q (f = N·D values; frames q − 2f … q + 2f readable):
/// qg[g·f + x] = Σ_k L[g·5 + k] q[x + (k − 2) f], L from force_match_nodes. Shared by the open-space and bulk starts.
void force_match_node_positions(const double* q, std::size_t f, const std::vector<double>& L, int G, double* qg);

/// One pair term of a particle's equation: its kind κ, distance r and direction u = W·(q_i − q_j)/r (D values used),
/// W a quadrature weight (1 for a single frame): the term contributes −V′_κ(r)·u to the particle's force.
struct ForcePairTerm {
  int kind = 0;
  double r = 0;
  double u[3] = {0, 0, 0};
};

/// The fitted dV/dr of every kind.
struct ForceMatchSolution {
  SplineBasis basis;                ///< kind 0's basis (the only one in open space)
  std::vector<SplineBasis> bases;   ///< (kinds) the basis of every kind
  std::vector<int> offset;          ///< (kinds) where kind κ's coefficients start in coef
  int kinds = 1;
  std::vector<double> coef;  ///< (Σ_κ bases[κ].size()): kind κ at offset[κ]
  long rows = 0;             ///< equations used (particles × dimensions × frames)
  double rms_force = 0;      ///< RMS of the targets m_i a_id
  double rms_residual = 0;   ///< RMS of target − fitted force
  int stencil = 0;           ///< points of the acceleration stencil (set by force_match)
  double dV(int kind, double r) const { return bases[kind].eval(coef.data() + offset[kind], r); }
};

/// The normal equations AᵀA c = Aᵀb, accumulated one particle at a time in the order of the calls (deterministic).
class ForceMatchProblem {
 public:
  ForceMatchProblem(const SplineBasis& basis, int kinds);  ///< every kind on the same basis
  explicit ForceMatchProblem(const std::vector<SplineBasis>& bases);  ///< kind κ on bases[κ]
  /// Add particle i's D equations: force (D) = m_i a_i, pairs (n) its pair terms (j ≠ i).
  void add_particle(const double* force, int D, const ForcePairTerm* pairs, int n);
  /// Solve with the penalties of the file header; throws noether::Error when no equation was added.
  ForceMatchSolution solve(double smoothness, double ridge) const;
  long rows() const { return rows_; }

 private:
  std::vector<SplineBasis> bases_;
  std::vector<int> offset_;  // (kinds) first column of each kind
  int kinds_, M_;
  std::vector<double> ata_, atb_;  // (M, M) upper triangle used, (M)
  double btb_ = 0;
  long rows_ = 0;
};

struct ForceMatchOptions {
  int stencil = 5;          ///< points of the acceleration stencil (5, or 3; 5 falls back to 3 when T < 5)
  bool path = true;         ///< with 5 points: the path-integrated form (file header) instead of the 5-point stencil
  int intervals = 40;       ///< B-spline intervals over [lo, upper]
  bool log_knots = false;   ///< knots evenly spaced in log r instead of r (SplineBasis::log; `extend` is then in log r)
  double extend = 4.0;      ///< the basis continues past upper with the same spacing, at most extend·(upper − lo)
  double smoothness = 1e-5; ///< λ_s / τ
  double ridge = 1e-9;      ///< λ_r / τ
};

/// Open-space force matching over the given trajectories of `data` (all pairs, one kind): every frame where the
/// stencil fits, every particle. The basis has the spacing (upper − lo)/intervals over [lo, upper] (lo the smallest
/// training distance, upper the network's input-scaling edge) and extends with it to cover every distance the
/// equations reach (the path's nodes may come closer than lo): at most intervals/4 intervals below lo and
/// extend·(upper − lo) past upper. Throws noether::Error naming the data and the problem (fewer than 3 frames, no
/// trajectories, a bad range or options).
ForceMatchSolution force_match(const TrajectoryData& data, const std::vector<int>& trajectories, double lo, double upper,
                               const ForceMatchOptions& o = {});

}  // namespace noether
