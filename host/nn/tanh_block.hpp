// nn/tanh_block.hpp — tanh of a block of float64 values in branch-free code that the compiler vectorises (libm's
// tanh is a scalar call per value: 14–20% of an HNN training step). Host-only.
//
//   tanh x = sign(x) · e / (e + 2),   e = expm1(2a),  a = min(|x|, 20)   (tanh 20 = 1 − 8.5e-18 rounds to 1)
//   e / (e + 2) = q − q · δ/s  to first order,  s = fl(e + 2),  δ = e + 2 − s (exact, TwoSum),  q = fl(e / s)
//   expm1(y) = 2ᵏ · expm1(r) + (2ᵏ − 1),   y = k ln 2 + r,  k = round(y / ln 2),  |r| ≤ ln 2 / 2
//   expm1(r) = r + r² (1/2! + r/3! + … + r¹¹/13!)   (Taylor; the first term left out, r¹⁴/14!, is < 1e-17)
//
// k ln 2 is split Cody–Waite style (ln 2 = hi + lo, hi with 21 trailing zero bits, so k · hi is exact) and 2ᵏ is
// built in the exponent bits. No cancellation: for small x, e ≈ 2x carries full relative precision. The error is
// ≤ 2.2 ulp (libm's ≤ 2.1; both measured against long double; 2.5 without the δ correction), so results move at
// round-off against std::tanh. tanh(±0) = ±0, NaN stays NaN. GCC vectorises the loop with AVX2/AVX-512
// (AVX-512: ~13× libm's speed); in the portable SSE2 build it stays scalar (~1.5× libm's speed).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace noether {

/// t[i] = tanh(x[i]) for i < m (formulas in the file header); t may alias x.
inline void tanh_block(const double* x, double* t, std::size_t m) {
  constexpr double kInvLn2 = 1.44269504088896338700e+00;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;  // fdlibm's split of ln 2
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kShift = 0x1.8p52;  // y / ln 2 + kShift rounds to an integer, which lands in the low bits
  constexpr double kMaxA = 20.0;
  constexpr double c[] = {1.0 / 2,          1.0 / 6,           1.0 / 24,           1.0 / 120,
                          1.0 / 720,        1.0 / 5040,        1.0 / 40320,        1.0 / 362880,
                          1.0 / 3628800,    1.0 / 39916800,    1.0 / 479001600,    1.0 / 6227020800};
  for (std::size_t i = 0; i < m; ++i) {
    const double xi = x[i];
    const double a = kMaxA < std::fabs(xi) ? kMaxA : std::fabs(xi);  // a NaN passes through to the result
    const double y = 2 * a;
    const double ks = y * kInvLn2 + kShift;
    std::uint64_t kbits;
    std::memcpy(&kbits, &ks, sizeof kbits);
    const double k = ks - kShift;
    const double r = (y - k * kLn2Hi) - k * kLn2Lo;
    double q = c[11];
    for (int j = 10; j >= 0; --j) q = q * r + c[j];
    const double p = r + r * r * q;                        // expm1(r)
    const std::uint64_t pbits = (kbits + 1023) << 52;      // the low bits of ks hold k (0 … 58)
    double pow2k;
    std::memcpy(&pow2k, &pbits, sizeof pow2k);
    const double e = pow2k * p + (pow2k - 1);              // expm1(y)
    const double s = e + 2, v = s - e;
    const double ds = (e - (s - v)) + (2 - v);  // s + ds = e + 2 exactly (Knuth's TwoSum)
    const double t0 = e / s;
    t[i] = std::copysign(t0 - t0 * (ds / s), xi);  // e / (s + ds) to first order in ds / s
  }
}

}  // namespace noether
