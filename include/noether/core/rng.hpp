// core/rng.hpp — deterministic, library-independent pseudo-random numbers: SplitMix64, the shuffles
// driven by it, and standard normal draws. Every module that draws (splits, batches, initial weights,
// synthetic data) uses these, so a seed means the same numbers on every platform.
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>

namespace noether {

/// Deterministic, library-independent pseudo-random numbers (splitmix64), for shuffles and splits.
struct SplitMix64 {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform integer in [0, n).
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  /// Uniform double in [0, 1).
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
};

/// Fisher–Yates shuffle driven by SplitMix64.
template <typename V>
void shuffle(V& v, SplitMix64& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

/// Partial Fisher–Yates: for i = 0 … k−1 swap v[i] with v[i + below(size − i)], so v[0 … k) are k distinct
/// elements of v drawn uniformly (torch.randperm(n)[:k] when v = 0 … n−1). Needs k <= v.size().
template <typename V>
void partial_shuffle(V& v, std::size_t k, SplitMix64& rng) {
  for (std::size_t i = 0; i < k; ++i) std::swap(v[i], v[i + rng.below(v.size() - i)]);
}

/// One N(0, 1) draw by Box–Muller from two SplitMix64 uniforms: √(−2 ln u₁) cos(2π u₂), u₁ ∈ (0, 1].
double standard_normal(SplitMix64& rng);

}  // namespace noether
