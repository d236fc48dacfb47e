// physics/cell_grid.hpp — the cell grid of a neighbor-list build, shared by the CPU list (physics/neighbor_list.hpp)
// and the CUDA list (kernels/physics/neighbor_list.cu), so that both bin particles into the same cells and scan the
// same adjacent cells in the same order. Header-only; the per-particle parts are host/device.
//
// Region per axis c: [0, L_c) on a periodic axis, [min x_c, max x_c] of the current positions on an open axis
// (extent ext_c, at least 1e-300). Cells per axis n_c = max(1, floor(ext_c / s)) with s = r_list at first, grown by
// 1.25x until Π n_c ≤ 2N + 64 (O(N) cells). Cell coordinate of x_c: k_c = clamp(floor((x_c − lo_c) · n_c / ext_c),
// 0, n_c − 1); cell id = (k_2 n_1 + k_1) n_0 + k_0. Adjacent cells of k_c on axis c: k_c − 1, k_c, k_c + 1, wrapped
// on a periodic axis, dropped past the ends of an open one, de-duplicated (a periodic axis with fewer than 3 cells).
#pragma once
#include <algorithm>
#include <cmath>

#include "noether/core/hostdev.hpp"
#include "noether/physics/box.hpp"

namespace noether {

/// A cell grid: n cells per axis (1 on unused axes), origin lo and scale = n / ext per axis.
struct CellGrid {
  int n[3] = {1, 1, 1};
  double lo[3] = {0, 0, 0}, scale[3] = {1, 1, 1};
  int cells() const { return n[0] * n[1] * n[2]; }
};

/// The grid for N particles in D dimensions with list radius r_list, given the region lo, ext per axis (see the
/// file comment; the caller fills lo/ext from the box or the positions' bounds).
inline CellGrid make_cell_grid(int D, double r_list, int N, const double lo[3], const double ext[3]) {
  CellGrid g;
  double s = r_list;
  for (;;) {  // cells of edge >= s, at most 2N + 64 in all
    double total = 1;
    for (int c = 0; c < D; ++c) {
      const double n = std::floor(ext[c] / s);
      g.n[c] = int(std::max(1.0, std::min(n, 1e6)));
      total *= g.n[c];
    }
    if (total <= 2.0 * N + 64) break;
    s *= 1.25;
  }
  for (int c = 0; c < D; ++c) g.lo[c] = lo[c], g.scale[c] = g.n[c] / ext[c];
  return g;
}

/// The cell id of a particle at q (D coordinates) in grid (n, lo, scale).
template <typename T>
NOETHER_HOSTDEV int cell_id_of(const T* q, int D, const int n[3], const double lo[3], const double scale[3]) {
  int id = 0;
  for (int c = D - 1; c >= 0; --c) {
    int k = int(floor((double(q[c]) - lo[c]) * scale[c]));
    k = k < 0 ? 0 : (k > n[c] - 1 ? n[c] - 1 : k);
    id = id * n[c] + k;
  }
  return id;
}

/// The cells adjacent to cell coordinate k on an axis of n cells (itself included), de-duplicated, in the order
/// k − 1, k, k + 1; per: the axis is periodic. Returns how many (1 to 3) were written to out.
NOETHER_HOSTDEV int adjacent_cells(int k, int n, bool per, int out[3]) {
  int m = 0;
  for (int o = -1; o <= 1; ++o) {
    int q = k + o;
    if (per) q = (q % n + n) % n;
    else if (q < 0 || q >= n) continue;
    bool seen = false;
    for (int t = 0; t < m; ++t) seen = seen || out[t] == q;
    if (!seen) out[m++] = q;
  }
  return m;
}

}  // namespace noether
