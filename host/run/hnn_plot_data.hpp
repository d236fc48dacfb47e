// run/hnn_plot_data.hpp — DIR/trajectories.npz of an HNN `noether run` (the first seed), the input of
// scripts/plot_hnn.py. float64 arrays:
//   times (T); true, hnn, baseline (S, T, dim) — the energy-MSE rollouts from the same S initial states;
//   true_energy, hnn_energy, baseline_energy (S, T) — the TRUE H along each path; hnn_learned_H (S, T) — H_θ
//   along the true path; and for dim == 2 a G × G grid over the data's range (G = 20), indexed [iq, ip]:
//   grid_q (G), grid_p (G), grid_true_H, grid_hnn_H (G, G), grid_true_field, grid_hnn_field,
//   grid_baseline_field (G, G, 2).
#pragma once
#include <string>

#include "noether/hnn/analysis.hpp"

namespace noether {

/// Grid points per axis of the dim == 2 phase-space grid.
constexpr int kHnnPlotGrid = 20;

/// Write the arrays above to path atomically (write_npz: temporary file, then rename). data: the seed's data
/// set, whose input rows x give the grid's range [min, max] per coordinate (dim == 2 only).
void write_hnn_trajectories_npz(const std::string& path, const HnnRollouts& r, const HnnSystem& sys,
                                const HnnModel& hnn, const HnnModel& baseline, const HnnDataset& data);

}  // namespace noether
