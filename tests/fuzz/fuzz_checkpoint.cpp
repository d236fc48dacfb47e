// tests/fuzz/fuzz_checkpoint.cpp — fuzzes the checkpoint of `noether train --resume` (mclnn/train.hpp
// load_mclnn_checkpoint: format, options fingerprint, epoch counters, parameters, generator state, Adam moments).
// The options are those the seeds were written with (tests/fuzz/make_corpus.py: `noether train --hidden 4,4
// --epochs 3`), so that mutations get past the fingerprint. Seeds: corpus/checkpoint/.
#include "fuzz/fuzz_input.hpp"
#include "noether/mclnn/train.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = noether_fuzz::write_input(data, size, "input.json");
  noether::MclnnTrainOptions o;
  o.hidden = {4, 4};
  o.epochs = 3;
  const std::size_t params = (1 * 4 + 4) + (4 * 4 + 4) + (4 * 1 + 1);  // widths 1, 4, 4, 1
  return noether_fuzz::run_loader([&] {
    const noether::MclnnCheckpoint c = noether::load_mclnn_checkpoint(path, o, params, 2);
    if (c.epoch < 0 || c.epoch > c.epochs || c.params.size() != params || c.adam_m.size() != params) __builtin_trap();
  });
}
