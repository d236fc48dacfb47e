// test_aligned_new.cpp — host/core/aligned_new.cpp: every heap buffer starts on a 64-byte boundary (the
// condition for address-independent Eigen SIMD sums), whatever its size or type.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

TEST(AlignedNew, EveryHeapBufferIs64ByteAligned) {
  std::vector<std::unique_ptr<char[]>> keep;  // keep them alive so malloc cannot hand back one address
  for (std::size_t n : {1u, 3u, 8u, 17u, 63u, 64u, 65u, 1000u, 4097u, 200000u}) {
    std::vector<double> v(n);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(v.data()) % 64, 0u) << "vector<double> of " << n;
    keep.emplace_back(new char[n]);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(keep.back().get()) % 64, 0u) << "new char[" << n << "]";
    auto* nothrow = new (std::nothrow) float[n];
    ASSERT_NE(nothrow, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(nothrow) % 64, 0u);
    delete[] nothrow;
  }
}
