// tests/fuzz/fuzz_model_file.cpp — fuzzes the model file (io/model_file.hpp load_model_file: every model kind,
// mclnn / lnn / hnn / mlp; layers, scaling, metadata), and for a pair potential also its use: the pair law and its
// jets at a few distances (physics/pair_mlp.hpp through io/table_file.hpp pair_law_jets), as `noether rollout`,
// `potential` and `tabulate` use it. Seeds: corpus/model_file/ (models written by noether train).
#include "fuzz/fuzz_input.hpp"
#include "noether/io/model_file.hpp"
#include "noether/io/table_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = noether_fuzz::write_input(data, size, "input.json");
  return noether_fuzz::run_loader([&] {
    const noether::ModelFile m = noether::load_model_file(path);
    noether::model_json(m);  // a loaded model is consistent: writing it back must not throw
    if (m.model != "mclnn") return;
    const noether::PairLawSpec law = noether::learned_pair_law(m);
    for (double r : {1e-3, 0.5, 1.0, 3.0}) noether::pair_law_jets(law, r);
  });
}
