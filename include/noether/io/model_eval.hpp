// io/model_eval.hpp — V(r), V′(r), V″(r) of a scalar pair model from a model file, in float64 on the CPU.
//
// Same formulas as physics/pair_mlp.hpp (forward jets through every layer, scaling included):
//   x = (g(r) − in_shift)/in_scale (g = r, or log r with the log input);  z = W h + b, z_r = W h_r, z_rr = W h_rr;
//   a = σ(z), a_r = σ′(z) z_r, a_rr = σ″(z) z_r² + σ′(z) z_rr;  V = out_scale·y + out_shift.
#pragma once
#include <vector>

#include "noether/io/model_file.hpp"
#include "noether/physics/pair_mlp.hpp"

namespace noether {

/// Jets of the model's law at every r: the network's, and beyond the trained range its tail ("tail" key,
/// physics/pair_tail.hpp; none = the network everywhere).
std::vector<PairJet<double>> pair_model_jets(const ModelFile& m, const std::vector<double>& r);

/// Jets of the raw network at every r (no tail). Uses PairMlp<double, W> (W = 8, 32, 128 or 512: the smallest that fits) when the
/// model has at most kPairMlpMaxLayers layers and widths up to 512, else pair_model_jets_generic.
/// Throws noether::Error unless the model's input and output widths are 1.
std::vector<PairJet<double>> pair_model_network_jets(const ModelFile& m, const std::vector<double>& r);

/// The same with std::vector scratch: any depth, any width (reference for pair_model_jets).
std::vector<PairJet<double>> pair_model_jets_generic(const ModelFile& m, const std::vector<double>& r);

}  // namespace noether
