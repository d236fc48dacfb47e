// tests/fuzz/fuzz_npz.cpp — fuzzes the .npz reader (io/npz.hpp read_npz: the zip container through libzip,
// STORED and DEFLATE members, ZIP64, the inflated-size bound, duplicate keys, then each .npy member).
// Seeds: corpus/npz/ (np.savez, np.savez_compressed, and noether's own trajectory files).
#include "fuzz/fuzz_input.hpp"
#include "noether/io/npz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = noether_fuzz::write_input(data, size, "input.npz");
  return noether_fuzz::run_loader([&] {
    for (const auto& [key, a] : noether::read_npz(path)) {
      std::size_t n = 1;
      for (std::size_t d : a.shape) n *= d;
      if (key.empty() || n != a.data.size()) __builtin_trap();  // every array is named and as large as its shape
    }
  });
}
