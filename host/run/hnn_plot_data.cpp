// run/hnn_plot_data.cpp — writes an HNN run's trajectories.npz (run/hnn_plot_data.hpp): the analysis rollouts and, for
// one degree of freedom, the true / learned H and fields on a phase-space grid.
#include "run/hnn_plot_data.hpp"

#include <algorithm>

#include "noether/core/error.hpp"
#include "noether/nn/mlp.hpp"
#include "noether/io/npz.hpp"

namespace noether {

void write_hnn_trajectories_npz(const std::string& path, const HnnRollouts& r, const HnnSystem& sys,
                                const HnnModel& hnn, const HnnModel& baseline, const HnnDataset& data) {
  using Shape = std::vector<std::size_t>;
  const std::size_t S = r.S, T = r.T, d = r.dim;
  std::vector<NpzEntry> e = {
      {"times", {T}, r.times},
      {"true", {S, T, d}, r.truth},
      {"hnn", {S, T, d}, r.hnn},
      {"baseline", {S, T, d}, r.baseline},
      {"true_energy", {S, T}, r.true_energy},
      {"hnn_energy", {S, T}, r.hnn_energy},
      {"baseline_energy", {S, T}, r.baseline_energy},
      {"hnn_learned_H", {S, T}, r.hnn_learned_H},
  };
  if (r.dim == 2) {
    NOETHER_REQUIRE(data.dim == 2 && !data.x.empty(), path << ": the phase-space grid needs the 2-D data set");
    const int G = kHnnPlotGrid;
    std::vector<double> axis[2];
    for (int c = 0; c < 2; ++c) {  // [min, max] of the data's inputs in coordinate c, G points
      double lo = data.x[c], hi = data.x[c];
      for (std::size_t i = c; i < data.x.size(); i += 2) lo = std::min(lo, data.x[i]), hi = std::max(hi, data.x[i]);
      axis[c].resize(G);
      for (int i = 0; i < G; ++i) axis[c][i] = lo + (hi - lo) * double(i) / double(G - 1);
    }
    std::vector<double> X(std::size_t(G) * G * 2);  // (G·G, 2), row iq·G + ip = (q_iq, p_ip)
    for (int i = 0; i < G; ++i)
      for (int j = 0; j < G; ++j) X[2 * (i * G + j)] = axis[0][i], X[2 * (i * G + j) + 1] = axis[1][j];
    const std::size_t n = std::size_t(G) * G;
    std::vector<double> true_H(n), hnn_H(n), true_F(2 * n), hnn_F(2 * n), base_F(2 * n);
    for (std::size_t k = 0; k < n; ++k) {
      true_H[k] = sys.energy(X.data() + 2 * k);
      sys.field(X.data() + 2 * k, true_F.data() + 2 * k);
    }
    mlp_forward(hnn.shape, hnn.params.data(), hnn.params.size(), X.data(), int(n), hnn_H.data());
    hnn_model_field(hnn, X.data(), int(n), hnn_F.data());
    hnn_model_field(baseline, X.data(), int(n), base_F.data());
    const std::size_t g = G;
    e.push_back({"grid_q", Shape{g}, axis[0]});
    e.push_back({"grid_p", Shape{g}, axis[1]});
    e.push_back({"grid_true_H", Shape{g, g}, true_H});
    e.push_back({"grid_hnn_H", Shape{g, g}, hnn_H});
    e.push_back({"grid_true_field", Shape{g, g, 2}, true_F});
    e.push_back({"grid_hnn_field", Shape{g, g, 2}, hnn_F});
    e.push_back({"grid_baseline_field", Shape{g, g, 2}, base_F});
  }
  write_npz(path, e);
}

}  // namespace noether
