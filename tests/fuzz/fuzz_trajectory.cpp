// tests/fuzz/fuzz_trajectory.cpp — fuzzes the trajectory-file readers on top of read_npz: the training data set
// (mclnn/dataset.hpp load_trajectory_data: shapes, masses, evenly spaced times), the initial state of
// `noether rollout --init` (io/trajectory.hpp load_initial_state_npz) and `noether analyze` (trajectory_from_archive,
// then analyze_trajectory with its defaults: g(r) through cells, MSD, T, P). Seeds: corpus/trajectory/.
#include "fuzz/fuzz_input.hpp"
#include "noether/io/trajectory.hpp"
#include "noether/mclnn/dataset.hpp"
#include "noether/physics/trajectory_analysis.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = noether_fuzz::write_input(data, size, "input.npz");
  noether_fuzz::run_loader([&] { noether::load_trajectory_data(path); });
  noether_fuzz::run_loader([&] { noether::load_trajectory_data(path, 0.1); });  // frame_dt given: `times` optional
  noether_fuzz::run_loader([&] {
    noether::analyze_trajectory(noether::trajectory_from_archive(noether::read_npz(path), path), {});
  });
  return noether_fuzz::run_loader([&] { noether::load_initial_state_npz(path); });
}
