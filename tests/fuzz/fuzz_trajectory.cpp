// tests/fuzz/fuzz_trajectory.cpp — fuzzes the two trajectory-file readers on top of read_npz: the training data
// set (mclnn/dataset.hpp load_trajectory_data: shapes, masses, evenly spaced times) and the initial state of
// `noether rollout --init` (io/trajectory.hpp load_initial_state_npz). Seeds: corpus/trajectory/.
#include "fuzz/fuzz_input.hpp"
#include "noether/io/trajectory.hpp"
#include "noether/mclnn/dataset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = noether_fuzz::write_input(data, size, "input.npz");
  noether_fuzz::run_loader([&] { noether::load_trajectory_data(path); });
  noether_fuzz::run_loader([&] { noether::load_trajectory_data(path, 0.1); });  // frame_dt given: `times` optional
  return noether_fuzz::run_loader([&] { noether::load_initial_state_npz(path); });
}
