// tests/physics/test_support_visits.cpp — counting pair visits outside a law's trained range
// (physics/support_visits.hpp): a hand-built state with species, a periodic image and a cutoff; the cell-list path
// against a brute-force count; the open-space all-pairs path; unknown supports; the summary and the warning.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "noether/physics/support_visits.hpp"

using namespace noether;

namespace {

Box cube(double L) {
  Box b;
  b.present = true;
  for (int c = 0; c < 3; ++c) b.L[c] = L, b.periodic[c] = true;
  return b;
}

/// The definition, written out: every unordered pair, minimum image, r < r_c, then below lo / above hi.
void brute(const std::vector<double>& q, const std::vector<int>& sp, int N, const Box& box, const SupportVisits& v,
           std::vector<long long>& tot, std::vector<long long>& bel, std::vector<long long>& abv) {
  const int S = v.S;
  tot.assign(S * S, 0), bel.assign(S * S, 0), abv.assign(S * S, 0);
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j) {
      double r2 = 0;
      for (int c = 0; c < 3; ++c) {
        double d = q[i * 3 + c] - q[j * 3 + c];
        if (box.present && box.periodic[c]) d -= box.L[c] * std::round(d / box.L[c]);
        r2 += d * d;
      }
      const int a = std::min(sp[i], sp[j]), b = std::max(sp[i], sp[j]);
      const std::size_t ab = std::size_t(a) * S + b;
      const double rc = v.cutoff[ab];
      if (!v.support[ab].known() || (rc > 0 && r2 >= rc * rc)) continue;
      const double r = std::sqrt(r2);
      ++tot[ab];
      if (r < v.support[ab].lo) ++bel[ab];
      if (r > v.support[ab].hi) ++abv[ab];
    }
  for (int a = 0; a < S; ++a)
    for (int b = a + 1; b < S; ++b)
      tot[b * S + a] = tot[a * S + b], bel[b * S + a] = bel[a * S + b], abv[b * S + a] = abv[a * S + b];
}

}  // namespace

// Five particles in a periodic box of edge 10, cutoff 3 for every species pair:
//   p0 (0) and p1 (0) are 0.7 apart through the x boundary      -> (0,0): 1 visit, below lo = 1
//   p2 (1) is 2.6 from p0 and 2.69 from p1                        -> (0,1): 2 visits, above hi = 2.5
//   p3 (1) and p4 (1) are 1.2 apart                               -> (1,1): 1 visit, inside [1, 1.5]
// every other pair is beyond the cutoff. Two identical frames double every count.
TEST(SupportVisits, HandBuiltStateWithSpeciesPeriodicImageAndCutoff) {
  const std::vector<double> q = {0.2, 5, 5, 9.5, 5, 5, 0.2, 7.6, 5, 5, 5, 5, 5, 6.2, 5};
  const std::vector<int> sp = {0, 0, 1, 1, 1};
  std::vector<double> frames = q;
  frames.insert(frames.end(), q.begin(), q.end());
  SupportVisits v = make_support_visits(2, {{1.0, 2.0}, {0.5, 2.5}, {0.5, 2.5}, {1.0, 1.5}}, {3, 3, 3, 3});
  ASSERT_TRUE(v.counted());
  count_support_visits(v, frames.data(), 2, 5, 3, cube(10), sp.data());
  EXPECT_EQ(v.total, (std::vector<long long>{2, 4, 4, 2}));
  EXPECT_EQ(v.below, (std::vector<long long>{2, 0, 0, 0}));
  EXPECT_EQ(v.above, (std::vector<long long>{0, 4, 4, 0}));
  EXPECT_EQ(v.visits(), 8);
  EXPECT_EQ(v.outside(), 6);
  EXPECT_DOUBLE_EQ(v.fraction_outside(), 0.75);
  const std::string s = support_visits_summary(v);
  EXPECT_NE(s.find("75%"), std::string::npos) << s;
  EXPECT_NE(s.find("species 0-1"), std::string::npos) << s;
  EXPECT_NE(support_visits_warning(v, 0.01).find("warning"), std::string::npos);
  EXPECT_EQ(support_visits_warning(v, 0.75), "");  // at the threshold: no warning
}

// Without the periodic box the pair p0–p1 is 9.3 apart: beyond the cutoff, not a visit.
TEST(SupportVisits, OpenSpaceHasNoImages) {
  const std::vector<double> q = {0.2, 5, 5, 9.5, 5, 5};
  const std::vector<int> sp = {0, 0};
  SupportVisits v = make_support_visits(1, {{1.0, 2.0}}, {3});
  count_support_visits(v, q.data(), 1, 2, 3, Box{}, sp.data());
  EXPECT_EQ(v.visits(), 0);
  SupportVisits all = make_support_visits(1, {{1.0, 2.0}}, {0});  // no cutoff: every pair interacts
  count_support_visits(all, q.data(), 1, 2, 3, Box{}, nullptr);
  EXPECT_EQ(all.visits(), 1);
  EXPECT_EQ(all.above[0], 1);
}

TEST(SupportVisits, CellListCountEqualsBruteForce) {
  const int N = 400, S = 2;
  const double L = 9.0;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, L);
  std::vector<double> q(N * 3);
  for (double& x : q) x = u(rng);
  std::vector<int> sp(N);
  for (int i = 0; i < N; ++i) sp[i] = i % 5 == 0 ? 1 : 0;
  SupportVisits v = make_support_visits(S, {{0.9, 2.0}, {0.7, 1.8}, {0.7, 1.8}, {1.1, 2.2}}, {2.5, 2.0, 2.0, 3.0});
  count_support_visits(v, q.data(), 1, N, 3, cube(L), sp.data());
  std::vector<long long> tot, bel, abv;
  brute(q, sp, N, cube(L), v, tot, bel, abv);
  EXPECT_EQ(v.total, tot);
  EXPECT_EQ(v.below, bel);
  EXPECT_EQ(v.above, abv);
  EXPECT_GT(v.outside(), 0);
  EXPECT_LT(v.outside(), v.visits());
}

TEST(SupportVisits, UnknownSupportIsNotCounted) {
  EXPECT_FALSE(make_support_visits(1, {PairSupport{}}, {0}).counted());
  // A species pair without a support is left out; the others are counted.
  const std::vector<double> q = {0, 0, 0, 0.5, 0, 0, 0, 3, 0};
  const std::vector<int> sp = {0, 0, 1};
  SupportVisits v = make_support_visits(2, {{1, 2}, {}, {}, {1, 2}}, {0, 0, 0, 0});
  ASSERT_TRUE(v.counted());
  count_support_visits(v, q.data(), 1, 3, 3, Box{}, sp.data());
  EXPECT_EQ(v.visits(), 1);
  EXPECT_EQ(v.below[0], 1);
  EXPECT_NE(support_visits_summary(v).find("support unknown"), std::string::npos);
  EXPECT_NE(support_visits_summary(SupportVisits{}).find("not counted"), std::string::npos);
}
