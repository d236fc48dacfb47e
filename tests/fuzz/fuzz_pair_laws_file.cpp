// tests/fuzz/fuzz_pair_laws_file.cpp — fuzzes the species-pair law files (io/pair_laws_file.hpp
// load_species_pair_laws: the "noether-pair-models" and "noether-pair-tables" wrappers, species_count, every pair once,
// cutoffs, and each pair's model or table), then builds the per-species-pair laws of a bulk run from it
// (physics/bulk.hpp with_species_laws) and evaluates every pair inside, across and beyond its cutoff, as a rollout
// would. Seeds: corpus/pair_laws_file/ (files written by `noether train` on bulk data and `noether tabulate`).
#include <vector>

#include "fuzz/fuzz_input.hpp"
#include "noether/io/pair_laws_file.hpp"
#include "noether/physics/bulk.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = noether_fuzz::write_input(data, size, "input.json");
  return noether_fuzz::run_loader([&] {
    const noether::SpeciesPairLaws f = noether::load_species_pair_laws(path);
    noether::BulkSpec b;
    noether::use_species_pair_laws(f, b);
    noether::with_species_laws<double>(b, [&](const auto& laws) {
      for (int a = 0; a < laws.S; ++a)
        for (int c = 0; c < laws.S; ++c) {
          const double rc = b.pair_cutoffs[std::size_t(a) * laws.S + c].cutoff;
          for (double r : {0.5, 1.0, 1.5, rc > 0 ? 0.99 * rc : 2.0, rc > 0 ? 1.01 * rc : 4.0}) {
            double V = 0, f_over_r = 0;
            laws.at(a, c).eval(r * r, 1.0, 1.0, V, f_over_r);
          }
        }
    });
  });
}
