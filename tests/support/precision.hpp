// support/precision.hpp — moving test data between float64 references and float32/float64 inputs: the one
// cast/widen pair of the CPU/GPU parity tests and the float32 CPU tests.
#pragma once
#include <vector>

namespace noether_test {

/// x converted element-wise to T (float or double).
template <typename T>
std::vector<T> cast(const std::vector<double>& x) {
  return std::vector<T>(x.begin(), x.end());
}

/// x converted element-wise to double.
template <typename T>
std::vector<double> widen(const std::vector<T>& x) {
  return std::vector<double>(x.begin(), x.end());
}

}  // namespace noether_test
