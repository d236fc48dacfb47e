// run/tabulate_pairs.hpp — tables of a species-pair model file: `noether tabulate` of a "noether-pair-models" file and
// the bulk generalization experiment's table rollouts (run/bulk.hpp) share it.
#pragma once
#include <string>

#include "noether/physics/pair_tail.hpp"

namespace noether {

/// `noether tabulate` of a "noether-pair-models" file: one table per species pair a <= b, each on [r-min, r-max]
/// (defaults: the pair's training support lo and its cutoff r_c, or its support hi without a cutoff), with the pair's
/// support and tail (or --tail), written as one "noether-pair-tables" file with the same cutoffs (io/pair_laws_file.hpp).
/// tail_name "inherit" keeps each pair's tail; otherwise `tail` is set on every table. Prints a line per pair unless
/// quiet. Errors name `model` and the option (--r-max, --tail) as `noether tabulate` spells it.
void tabulate_species_pairs(const std::string& model, const std::string& output, double r_min, double r_max,
                            double tolerance, const std::string& tail_name, TailPolicy tail, bool quiet);

}  // namespace noether
