// tests/fuzz/fuzz_run_config.cpp — fuzzes the configs of `noether run`, dispatched as host/cli/run.cpp does: the bulk
// generalization experiment (run/bulk_config.hpp: every phase composed and parsed), the pixel pendulum
// (run/pixel_config.hpp), the HNN experiments (run/hnn_config.hpp) and the MCLNN experiment (run/mclnn.hpp
// check_experiment_config: system, train_data, train, lnn, cases, at_scale). Parsing only: nothing is run.
// Seeds: corpus/run_config/ (configs/mclnn_*.json, configs/hnn_*.json).
#include "fuzz/fuzz_input.hpp"
#include "run/bulk_config.hpp"
#include "run/hnn_config.hpp"
#include "run/mclnn.hpp"
#include "run/pixel_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = noether_fuzz::write_input(data, size, "input.json");
  return noether_fuzz::run_loader([&] {
    if (noether::is_bulk_run_config(path))
      noether::load_bulk_run_config(path);
    else if (noether::is_pixel_run_config(path))
      noether::load_pixel_run_config(path);
    else if (noether::is_hnn_run_config(path))
      noether::load_hnn_run_config(path);
    else
      noether::check_experiment_config(path);
  });
}
