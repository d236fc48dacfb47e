// tests/fuzz/fuzz_simulation_config.cpp — fuzzes the simulation config of `noether simulate` (io/simulation_config.hpp
// load_simulation_config: JSON syntax, duplicate keys, every key's type and range, the pair law, the integrator,
// inline or sampled initial states, the memory estimate). Seeds: corpus/simulation_config/ (configs/).
#include "fuzz/fuzz_input.hpp"
#include "noether/io/simulation_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = noether_fuzz::write_input(data, size, "input.json");
  return noether_fuzz::run_loader([&] { noether::load_simulation_config(path); });
}
