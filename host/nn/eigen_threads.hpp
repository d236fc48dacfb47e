// nn/eigen_threads.hpp — EigenThreads: set Eigen's GEMM thread count for a scope and restore it (the CPU
// trainers' `threads` option). Host-only: includes Eigen, so never from a public header.
#pragma once
#include <Eigen/Core>

namespace noether {

/// Sets Eigen::setNbThreads(n) for the object's lifetime, then restores the previous count (n <= 0: leave
/// Eigen's default untouched).
class EigenThreads {
 public:
  explicit EigenThreads(int n) : prev_(Eigen::nbThreads()), set_(n > 0) {
    if (set_) Eigen::setNbThreads(n);
  }
  ~EigenThreads() {
    if (set_) Eigen::setNbThreads(prev_);
  }
  EigenThreads(const EigenThreads&) = delete;
  EigenThreads& operator=(const EigenThreads&) = delete;

 private:
  int prev_;
  bool set_;
};

}  // namespace noether
