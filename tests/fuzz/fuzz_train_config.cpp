// tests/fuzz/fuzz_train_config.cpp — fuzzes the config of `noether train --config` (run/mclnn_config.hpp
// load_train_config: model, data, output and the "train" section). Seeds: corpus/train_config/ (configs/*_train.json).
#include "fuzz/fuzz_input.hpp"
#include "run/mclnn_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = noether_fuzz::write_input(data, size, "input.json");
  return noether_fuzz::run_loader([&] { noether::load_train_config(path); });
}
