// tests/fuzz/fuzz_evaluate.cpp — fuzzes the archive checks of `noether evaluate` (mclnn/evaluate.hpp
// compare_rollouts: every key's presence, shape against positions and times, finiteness) with the input as both
// the truth and the prediction, so that a missing check shows as an out-of-bounds read. Seeds: corpus/evaluate/
// (trajectory files written by noether simulate and noether rollout).
#include "fuzz/fuzz_input.hpp"
#include "noether/io/npz.hpp"
#include "noether/mclnn/evaluate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = noether_fuzz::write_input(data, size, "input.npz");
  return noether_fuzz::run_loader([&] {
    const noether::NpzArchive a = noether::read_npz(path);
    noether::compare_rollouts(a, "truth.npz", a, "pred.npz");
  });
}
