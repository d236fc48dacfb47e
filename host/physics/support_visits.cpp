// physics/support_visits.cpp — counting pair visits outside a learned law's trained range on saved frames
// (definitions in physics/support_visits.hpp).
#include "noether/physics/support_visits.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "noether/core/error.hpp"
#include "noether/physics/neighbor_list.hpp"

namespace noether {

long long SupportVisits::visits() const {
  long long n = 0;
  for (int a = 0; a < S; ++a)
    for (int b = a; b < S; ++b) n += total[std::size_t(a) * S + b];
  return n;
}

long long SupportVisits::outside() const {
  long long n = 0;
  for (int a = 0; a < S; ++a)
    for (int b = a; b < S; ++b) n += below[std::size_t(a) * S + b] + above[std::size_t(a) * S + b];
  return n;
}

double SupportVisits::fraction_outside() const {
  const long long n = visits();
  return n > 0 ? double(outside()) / double(n) : 0.0;
}

SupportVisits make_support_visits(int S, const std::vector<PairSupport>& support, const std::vector<double>& cutoff) {
  NOETHER_REQUIRE(S >= 1 && support.size() == std::size_t(S) * S && cutoff.size() == std::size_t(S) * S,
                  "support visits: expected (S, S) supports and cutoffs for S = " << S);
  SupportVisits v;
  bool any = false;
  for (const PairSupport& s : support) any = any || s.known();
  if (!any) return v;
  v.S = S, v.support = support, v.cutoff = cutoff;
  v.total.assign(support.size(), 0), v.below.assign(support.size(), 0), v.above.assign(support.size(), 0);
  return v;
}

void count_support_visits(SupportVisits& v, const double* pos, int F, int N, int D, const Box& box, const int* species) {
  if (!v.counted() || N < 2) return;
  const int S = v.S;
  double rc_max = 0;
  bool all_cut = true;
  for (double c : v.cutoff) all_cut = all_cut && c > 0, rc_max = std::max(rc_max, c);
  const PeriodicAxes<double> ax(box);
  std::vector<double> cut2(v.cutoff.size()), lo(v.cutoff.size()), hi(v.cutoff.size());
  std::vector<char> known(v.cutoff.size());
  for (std::size_t k = 0; k < v.cutoff.size(); ++k)
    cut2[k] = v.cutoff[k] > 0 ? v.cutoff[k] * v.cutoff[k] : -1.0, lo[k] = v.support[k].lo, hi[k] = v.support[k].hi,
    known[k] = v.support[k].known();
  NeighborList<double> nl(all_cut ? rc_max : 1.0, 0.0, box, D, /*use_cells=*/true);
  for (int f = 0; f < F; ++f) {
    const double* q = pos + std::size_t(f) * N * D;
    if (all_cut) nl.build(q, N);
    std::vector<long long> tot(v.total.size(), 0), bel(v.total.size(), 0), abv(v.total.size(), 0);
#pragma omp parallel if ((long long)N * (all_cut ? 64 : N) > 200000)
    {
      std::vector<long long> t(tot.size(), 0), b(tot.size(), 0), u(tot.size(), 0);
#pragma omp for schedule(static) nowait
      for (int i = 0; i < N; ++i) {
        const int si = species ? species[i] : 0;
        const int cnt = all_cut ? nl.count(i) : N;
        const int* list = all_cut ? nl.neighbors(i) : nullptr;
        for (int k = 0; k < cnt; ++k) {
          const int j = list ? list[k] : k;
          if (j <= i) continue;
          const int sj = species ? species[j] : 0;
          const std::size_t ab = std::size_t(std::min(si, sj)) * S + std::max(si, sj);
          if (!known[ab]) continue;
          double r2 = 0;
          for (int c = 0; c < D; ++c) {
            const double d = ax.min_image(q[i * D + c] - q[j * D + c], c);
            r2 += d * d;
          }
          if (cut2[ab] > 0 && !(r2 < cut2[ab])) continue;
          ++t[ab];
          const double r = std::sqrt(r2);
          if (r < lo[ab]) ++b[ab];
          else if (r > hi[ab]) ++u[ab];
        }
      }
#pragma omp critical(noether_support_visits)
      for (std::size_t k = 0; k < t.size(); ++k) tot[k] += t[k], bel[k] += b[k], abv[k] += u[k];
    }
    for (int a = 0; a < S; ++a)
      for (int b = a; b < S; ++b) {
        const std::size_t ab = std::size_t(a) * S + b, ba = std::size_t(b) * S + a;
        v.total[ab] += tot[ab], v.below[ab] += bel[ab], v.above[ab] += abv[ab];
        if (ba != ab) v.total[ba] = v.total[ab], v.below[ba] = v.below[ab], v.above[ba] = v.above[ab];
      }
  }
}

namespace {

std::string percent(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3g%%", 100.0 * x);
  return b;
}

std::string clause(const SupportVisits& v, std::size_t ab) {
  char b[200];
  const long long out = v.below[ab] + v.above[ab];
  std::snprintf(b, sizeof b, "%s (%lld of %lld; %lld below lo = %.6g, %lld above hi = %.6g)",
                percent(v.total[ab] > 0 ? double(out) / double(v.total[ab]) : 0.0).c_str(), out, v.total[ab],
                v.below[ab], v.support[ab].lo, v.above[ab], v.support[ab].hi);
  return b;
}

}  // namespace

std::string support_visits_summary(const SupportVisits& v) {
  if (!v.counted()) return "pair visits outside the trained range: not counted (the law records no training distances)";
  std::string s = "pair visits outside the trained range: ";
  if (v.S == 1) return s + clause(v, 0);
  char b[96];
  std::snprintf(b, sizeof b, "%s (%lld of %lld)", percent(v.fraction_outside()).c_str(), v.outside(), v.visits());
  s += b;
  for (int a = 0; a < v.S; ++a)
    for (int c = a; c < v.S; ++c) {
      const std::size_t ab = std::size_t(a) * v.S + c;
      s += "; species " + std::to_string(a) + "-" + std::to_string(c) + ": " +
           (v.support[ab].known() ? clause(v, ab) : std::string("support unknown"));
    }
  return s;
}

std::string support_visits_warning(const SupportVisits& v, double threshold) {
  if (!v.counted() || !(v.fraction_outside() > threshold)) return "";
  return "warning: " + percent(v.fraction_outside()) + " of the pair visits lie outside the distances the law was " +
         "trained on (threshold " + percent(threshold) + "): the dynamics there is the network's extrapolation. " +
         "Train on data that covers these distances, choose a tail policy (docs/BULK.md, 'Outside the trained range'), " +
         "or check the rollout's state (docs/BULK.md)";
}

}  // namespace noether
