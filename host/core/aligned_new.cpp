// aligned_new.cpp — every heap allocation of the process is 64-byte aligned, so SIMD sums do not depend on
// where malloc happened to put a buffer.
//
// Why: Eigen's vectorised reductions and matrix-vector products peel scalar iterations up to the first
// element aligned to the packet size (64 bytes for AVX-512, Eigen's first_default_aligned), then sum in
// packets. The split point, and so the rounding of the sum, depends on the buffer's address modulo 64.
// glibc's malloc only guarantees 16 bytes, so two identical trainings in one process could differ in the
// last bits (Hnn.TrainingIsDeterministicPerSeed failed in -march=native builds before this file). With every
// std::vector's data 64-byte aligned, offsets inside a buffer are the only thing that decides the split, and
// those are the same on every run: results are bitwise reproducible for a given build.
//
// These are the replaceable global allocation functions of [new.delete]; this file is compiled into every
// executable that links noether_core (CMakeLists.txt: INTERFACE source), not into the static library, where
// the linker would not pull it in.
#include <cstdlib>
#include <new>

namespace {
constexpr std::size_t kAlign = 64;

void* allocate_aligned(std::size_t n) noexcept {
  if (n == 0) n = 1;
  const std::size_t rounded = (n + kAlign - 1) / kAlign * kAlign;  // aligned_alloc wants a multiple
  if (rounded < n) return nullptr;                                  // overflow
  return std::aligned_alloc(kAlign, rounded);
}

void* allocate_or_throw(std::size_t n) {
  for (;;) {
    if (void* p = allocate_aligned(n)) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}
}  // namespace

void* operator new(std::size_t n) { return allocate_or_throw(n); }
void* operator new[](std::size_t n) { return allocate_or_throw(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate_or_throw(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate_or_throw(n);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
