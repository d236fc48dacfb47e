// tests/fuzz/fuzz_table_file.cpp — fuzzes the pair-table file of `noether tabulate` (io/table_file.hpp
// load_pair_table_file: format, version, range, knots, lengths, finiteness, extrapolation), then evaluates the
// table inside and outside its range as a simulation would. Seeds: corpus/table_file/ (tables written by noether).
#include <vector>

#include "fuzz/fuzz_input.hpp"
#include "noether/io/table_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = noether_fuzz::write_input(data, size, "input.json");
  return noether_fuzz::run_loader([&] {
    const noether::PairTableData t = noether::load_pair_table_file(path);
    noether::pair_table_json(t);  // a loaded table is consistent: writing it back must not throw
    noether::pair_table_jets(t, {t.r_min, 0.5 * (t.r_min + t.r_max), t.r_max, 0.5 * t.r_min, 2 * t.r_max});
  });
}
