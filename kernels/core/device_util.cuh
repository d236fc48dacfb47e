// core/device_util.cuh — small RAII owners for device memory, pinned host memory, streams and events, plus
// the argument checks shared by the driver functions of kernels/*/*.cu. Internal to kernels/.
//
// Destructors never throw: a failing cudaFree during unwinding is ignored (the error that caused the
// unwinding is the one worth reporting). Stream is meant to be declared AFTER the buffers its work
// touches, so that it is destroyed first and its destructor's synchronize drains that work before the
// buffers are freed.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <utility>

#include "core/cuda_check.cuh"
#include "noether/core/error.hpp"

namespace noether {
namespace cuda {

/// Owner of `n` elements of device memory (cudaMalloc / cudaFree).
template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(std::size_t n) : n_(n) {
    if (n_ > 0) NOETHER_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&p_), n_ * sizeof(T)));
  }
  ~DeviceBuffer() {
    if (p_) (void)cudaFree(p_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return p_; }
  std::size_t size() const { return n_; }
  std::size_t bytes() const { return n_ * sizeof(T); }

 private:
  T* p_ = nullptr;
  std::size_t n_ = 0;
};

/// Owner of `n` elements of page-locked host memory (cudaMallocHost / cudaFreeHost), for async copies.
template <typename T>
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  explicit PinnedBuffer(std::size_t n) { reset(n); }
  ~PinnedBuffer() { release(); }
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  void reset(std::size_t n) {
    release();
    n_ = n;
    if (n_ > 0) NOETHER_CUDA_CHECK(cudaMallocHost(reinterpret_cast<void**>(&p_), n_ * sizeof(T)));
  }
  T* get() const { return p_; }

 private:
  void release() {
    if (p_) (void)cudaFreeHost(p_);
    p_ = nullptr;
    n_ = 0;
  }
  T* p_ = nullptr;
  std::size_t n_ = 0;
};

/// A non-blocking stream; the destructor waits for its work before destroying it.
class Stream {
 public:
  Stream() { NOETHER_CUDA_CHECK(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking)); }
  ~Stream() {
    if (s_) {
      (void)cudaStreamSynchronize(s_);
      (void)cudaStreamDestroy(s_);
    }
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  cudaStream_t get() const { return s_; }
  void sync() const { NOETHER_CUDA_CHECK(cudaStreamSynchronize(s_)); }

 private:
  cudaStream_t s_ = nullptr;
};

/// A CUDA event (timing enabled: used both for timing and for host/device hand-off).
class Event {
 public:
  Event() { NOETHER_CUDA_CHECK(cudaEventCreate(&e_)); }
  ~Event() {
    if (e_) (void)cudaEventDestroy(e_);
  }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  cudaEvent_t get() const { return e_; }
  void record(cudaStream_t s) const { NOETHER_CUDA_CHECK(cudaEventRecord(e_, s)); }
  void sync() const { NOETHER_CUDA_CHECK(cudaEventSynchronize(e_)); }

 private:
  cudaEvent_t e_ = nullptr;
};

/// Seconds between two recorded (and completed) events.
inline double elapsed_seconds(const Event& start, const Event& stop) {
  float ms = 0.f;
  NOETHER_CUDA_CHECK(cudaEventElapsedTime(&ms, start.get(), stop.get()));
  return double(ms) * 1e-3;
}

/// The shape checks every driver function makes before touching the device.
inline void check_shape(const char* fn, int B, int N, int D) {
  NOETHER_REQUIRE(B >= 1, fn << ": batch size B must be >= 1, got " << B);
  NOETHER_REQUIRE(N >= 1, fn << ": particle count N must be >= 1, got " << N);
  NOETHER_REQUIRE(D == 2 || D == 3, fn << ": dimension D must be 2 or 3, got " << D);
}

/// Blocks for a grid-stride element-wise kernel over n elements with `threads` per block.
inline unsigned elementwise_blocks(std::size_t n, int threads) {
  const std::size_t want = (n + std::size_t(threads) - 1) / std::size_t(threads);
  const std::size_t cap = std::size_t(1) << 20;  // grid-stride loops cover the rest
  return unsigned(want < 1 ? 1 : (want > cap ? cap : want));
}

}  // namespace cuda
}  // namespace noether
