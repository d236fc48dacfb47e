// physics/test_table_rows.cpp — a pair table's all-pairs accelerations in SIMD rows with Newton's third law
// (physics/table_rows.hpp, accelerations_cpu's path for PairTable in AVX-512 builds) against the one-pair ordered path
// (physics/forces.hpp, accelerations_ordered: every ordered pair, a running sum over j): accelerations and U to 1e-12
// relative in float64 and 1e-5 in float32, for D = 2 and 3, N from 1 to 100 (rows shorter and longer than a lane
// register), 1, 3 and 9 trajectories (8 chunks of rows per trajectory, or one), distances below, inside and above the table (both extrapolations), a coincident
// pair, and the zero and power tails; bitwise the same serial and threaded; accelerations_cpu takes this path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "noether/physics/forces.hpp"
#include "noether/physics/pair_table.hpp"
#include "noether/physics/pair_tail.hpp"
#include "noether/physics/table_rows.hpp"

using namespace noether;

namespace {

/// V(r) = (r − 1.3)² e^{−r} tabulated on [0.8, 2.6] with exact jets at 49 knots; tail: none, zero or power.
PairTableData table_data(int tail) {
  PairTableData t;
  t.r_min = 0.8, t.r_max = 2.6;
  for (int k = 0; k <= 48; ++k) {
    const double r = 0.8 + 1.8 * k / 48.0, x = r - 1.3, e = std::exp(-r);
    t.V.push_back(x * x * e);
    t.dV.push_back((2 * x - x * x) * e);
    t.d2V.push_back((2 - 4 * x + x * x) * e);
  }
  finalize_pair_table(t, "test table");
  if (tail == 1) t.tail = zero_tail(2.2, 2.6);
  if (tail == 2) {
    const double r = 2.6, x = r - 1.3, e = std::exp(-r);
    t.tail = power_tail(r, x * x * e, (2 * x - x * x) * e, (2 - 4 * x + x * x) * e);
  }
  return t;
}

/// B trajectories of N particles in a cube of edge ~1.1 N^(1/D) (distances from ~0.1 to beyond r_max), masses in
/// [0.5, 1.5]; particle 1 sits on particle 0 (r = 0) when N > 2.
void state(int B, int N, int D, std::vector<double>& q, std::vector<double>& m) {
  std::uint64_t x = 987654321u + 77u * std::uint64_t(N * D + B);
  const auto next = [&] {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return double(x >> 11) * (1.0 / 9007199254740992.0);
  };
  const double L = 1.1 * std::pow(double(N), 1.0 / D);
  q.resize(std::size_t(B) * N * D), m.resize(std::size_t(B) * N);
  for (double& v : q) v = L * next();
  for (double& v : m) v = 0.5 + next();
  if (N > 2)
    for (int b = 0; b < B; ++b)
      for (int c = 0; c < D; ++c) q[(std::size_t(b) * N + 1) * D + c] = q[std::size_t(b) * N * D + c];
}

template <typename T>
void expect_rows_match_ordered(int tail, int B, int N, int D, double tol) {
  const PairTableData data = table_data(tail);
  const std::vector<T> coef(data.coef.begin(), data.coef.end());
  const PairTable<T> tb = make_pair_table<T>(data, coef.data());
  std::vector<double> q64, m64;
  state(B, N, D, q64, m64);
  const std::vector<T> q(q64.begin(), q64.end()), m(m64.begin(), m64.end());
  std::vector<T> ref(q.size()), rows(q.size()), via_cpu(q.size());
  std::vector<double> Uref(B), Urows(B), Ucpu(B);
  detail::accelerations_ordered(tb, q.data(), m.data(), ref.data(), B, N, D, Uref.data(), false);
#ifdef NOETHER_TABLE_ROWS
  detail::accelerations_table_rows(tb, q.data(), m.data(), rows.data(), B, N, D, Urows.data(), false);
#endif
  accelerations_cpu(tb, q.data(), m.data(), via_cpu.data(), B, N, D, Ucpu.data());
#ifdef NOETHER_TABLE_ROWS
  if (N >= detail::kTableRowsMinParticles) {
    EXPECT_EQ(via_cpu, rows) << "accelerations_cpu takes the table rows";
    EXPECT_EQ(Ucpu, Urows);
  }
#endif
  double scale = 0, diff = 0;
  for (std::size_t k = 0; k < ref.size(); ++k) {
    ASSERT_TRUE(std::isfinite(double(rows[k]))) << k;
    scale = std::max(scale, std::abs(double(ref[k])));
    diff = std::max(diff, std::abs(double(rows[k]) - double(ref[k])));
  }
  if (N > 1) EXPECT_GT(scale, 1e-3);
  EXPECT_LE(diff, tol * scale) << "tail " << tail << ", B " << B << ", N " << N << ", D " << D;
  for (int b = 0; b < B; ++b) EXPECT_NEAR(Urows[b], Uref[b], tol * (1 + std::abs(Uref[b]))) << "U of trajectory " << b;
}

}  // namespace

TEST(TableRows, MatchTheOrderedOnePairPathFloat64) {
#ifndef NOETHER_TABLE_ROWS
  GTEST_SKIP() << "the table rows need an AVX-512 build";
#endif
  for (int tail : {0, 1, 2})
    for (int D : {2, 3})
      for (int N : {1, 2, 7, 8, 9, 16, 37, 100})
        for (int B : {1, 3, 9}) expect_rows_match_ordered<double>(tail, B, N, D, 1e-12);
}

TEST(TableRows, MatchTheOrderedOnePairPathFloat32) {
#ifndef NOETHER_TABLE_ROWS
  GTEST_SKIP() << "the table rows need an AVX-512 build";
#endif
  for (int tail : {0, 1, 2})
    for (int D : {2, 3})
      for (int N : {1, 2, 15, 16, 17, 33, 100})
        for (int B : {2, 9}) expect_rows_match_ordered<float>(tail, B, N, D, 1e-5);
}

TEST(TableRows, SerialAndThreadedAreBitwiseEqual) {
#ifndef NOETHER_TABLE_ROWS
  GTEST_SKIP() << "the table rows need an AVX-512 build";
#else
  const PairTableData data = table_data(0);
  const PairTable<double> tb = make_pair_table<double>(data, data.coef.data());
  for (int B : {2, 9}) {  // 8 chunks of rows per trajectory, and one
    std::vector<double> q, m;
    state(B, 300, 3, q, m);
    std::vector<double> a1(q.size()), a2(q.size()), U1(B), U2(B);
    detail::accelerations_table_rows(tb, q.data(), m.data(), a1.data(), B, 300, 3, U1.data(), false);
    detail::accelerations_table_rows(tb, q.data(), m.data(), a2.data(), B, 300, 3, U2.data(), true);
    EXPECT_EQ(a1, a2);
    EXPECT_EQ(U1, U2);
  }
#endif
}
