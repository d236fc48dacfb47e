// physics/support_visits.hpp — how often a rollout visits pair distances outside the range its learned law was trained
// on (the support [lo, hi], physics/pair_tail.hpp), per species pair, counted on the saved frames.
//
// For every saved frame f of every trajectory, every unordered pair i < j of species (a, b) that interacts — r_ij below
// the pair's cutoff r_c,ab when it has one, every pair otherwise (r_ij = the minimum-image distance in a periodic box) —
// is one pair visit of (a, b); it is below when r_ij < lo_ab and above when r_ij > hi_ab:
//   total_ab = Σ_f #{i < j interacting},  below_ab = Σ_f #{… r_ij < lo_ab},  above_ab = Σ_f #{… r_ij > hi_ab},
//   fraction outside = Σ_ab (below_ab + above_ab) / Σ_ab total_ab   (over the pairs whose support is known).
// The counting runs on the saved frames after the rollout (every stride-th step, frame 0 included), so the force loop is
// untouched; with cutoffs it uses a cell list per frame (O(N)), without them all pairs (O(N²) per saved frame, the cost
// of one potential-energy evaluation without the law).
#pragma once
#include <string>
#include <vector>

#include "noether/physics/box.hpp"
#include "noether/physics/pair_tail.hpp"

namespace noether {

/// Default threshold of the warning: more than 1% of the pair visits outside the trained range.
constexpr double kSupportWarnDefault = 0.01;

/// Pair-visit counts of one run per species pair (a, b): (S, S) arrays, symmetric (a pair of species a ≠ b is counted
/// once, in both [a][b] and [b][a]). S = 0: nothing counted (no law with a known support).
struct SupportVisits {
  int S = 0;
  std::vector<PairSupport> support;  ///< (S, S) the support of the law of each species pair (unknown: not counted)
  std::vector<double> cutoff;        ///< (S, S) r_c of each species pair (0 = every pair interacts)
  std::vector<long long> total, below, above;  ///< (S, S) interacting pair visits, and those below lo / above hi

  bool counted() const { return S > 0; }
  /// Σ over the species pairs a ≤ b of total, and of below + above.
  long long visits() const;
  long long outside() const;
  /// outside() / visits() (0 when nothing was visited).
  double fraction_outside() const;
};

/// An empty count for S species with these supports and cutoffs ((S, S) each); S = 0 when no support is known.
SupportVisits make_support_visits(int S, const std::vector<PairSupport>& support, const std::vector<double>& cutoff);

/// Add the visits of F frames of one trajectory to v: pos (F, N, D) (wrapped or not; minimum image on the periodic axes
/// of box), species (N) or null (all species 0).
void count_support_visits(SupportVisits& v, const double* pos, int F, int N, int D, const Box& box, const int* species);

/// One line: "pair visits outside the trained range: 0.12% (120 of 100000; 100 below lo = 0.9, 20 above hi = 2.5)",
/// with one such clause per species pair when S > 1.
std::string support_visits_summary(const SupportVisits& v);

/// The warning for a fraction above `threshold`, or "" when at or below it: what the fraction is and what to do.
std::string support_visits_warning(const SupportVisits& v, double threshold);

}  // namespace noether
