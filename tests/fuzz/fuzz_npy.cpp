// tests/fuzz/fuzz_npy.cpp — fuzzes the .npy decoder (io/npz.hpp read_npy_bytes: magic, version, header dict,
// dtype, shape, data size) in memory, without the zip container around it. Seeds: corpus/npy/ (np.save).
#include <string>

#include "fuzz/fuzz_input.hpp"
#include "noether/io/npz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return noether_fuzz::run_loader([&] {
    const noether::NpyArray a = noether::read_npy_bytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npy");
    std::size_t n = 1;
    for (std::size_t d : a.shape) n *= d;
    if (n != a.data.size()) __builtin_trap();  // the shape must describe the values returned
  });
}
