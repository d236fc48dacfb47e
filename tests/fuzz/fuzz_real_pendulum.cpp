// tests/fuzz/fuzz_real_pendulum.cpp — fuzzes the reader of the real pendulum's recording (hnn/tasks.hpp
// load_real_pendulum: the text table of data/, its numbers, columns and time steps), which the config of the
// hnn_real_pendulum experiment names. Seeds: corpus/real_pendulum/ (slices of the recording in data/).
#include "fuzz/fuzz_input.hpp"
#include "noether/hnn/tasks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = noether_fuzz::write_input(data, size, "input.txt");
  return noether_fuzz::run_loader([&] { noether::load_real_pendulum(path); });
}
