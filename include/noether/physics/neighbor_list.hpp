// physics/neighbor_list.hpp — CPU cell list + Verlet neighbor list with a skin, for one configuration of N particles
// in D = 2 or 3 in a box (physics/box.hpp; periodic or open per axis). Header-only template on the precision T.
//
// Build: the region (periodic axis: [0, L); open axis: [min x, max x] of the current positions) is cut into cells of
// edge ≥ r_list = r_c + skin (at most 2N + 64 cells in all: O(N) memory); particles are counting-sorted into cells
// in index order; particle i lists every j ≠ i of its own and the adjacent cells (the stencil, de-duplicated when a
// periodic axis has fewer than 3 cells) whose minimum-image distance is < r_list. Each list is then sorted by j, so a
// force loop over it adds the same terms in the same order as an all-pairs loop over j = 0..N−1 (which adds exact
// zeros for pairs beyond r_c): neighbor-list and all-pairs forces are bitwise equal.
// Full lists (j in the list of i and i in the list of j): each particle's force is summed by one thread in a fixed
// order, so results do not depend on the thread count (OpenMP over particles, no atomics).
// Storage: a fixed capacity per particle (N x capacity ints). A particle with more neighbors than the capacity makes
// the build grow the capacity (1.25x the largest count + 8) and build again: no pair is ever dropped.
// Rebuild rule: when the largest minimum-image displacement since the last build exceeds skin / 2, no pair outside
// r_list at the build can have come within r_c (each particle moved less than skin / 2).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/physics/box.hpp"

namespace noether {

template <typename T>
class NeighborList {
 public:
  /// r_cut: the largest cutoff of the pair laws; skin > 0; use_cells = false builds by testing all pairs (O(N²)).
  NeighborList(double r_cut, double skin, const Box& box, int D, bool use_cells = true)
      : r_list_(r_cut + skin), skin_(skin), box_(box), ax_(box), D_(D), use_cells_(use_cells) {
    NOETHER_REQUIRE(r_cut > 0 && skin >= 0, "neighbor list: expected a cutoff > 0 and a skin >= 0");
  }

  /// True when no list was built yet or some particle moved more than skin / 2 since the last build.
  /// pos (N, D), wrapped.
  bool needs_rebuild(const T* pos, int N) const {
    if (builds_ == 0 || N != N_) return true;
    double worst = 0;
#pragma omp parallel for schedule(static) reduction(max : worst) if (N > 4096)
    for (int i = 0; i < N; ++i) {
      double d2 = 0;
      for (int c = 0; c < D_; ++c) {
        const double d = double(ax_.min_image(pos[i * D_ + c] - ref_[i * D_ + c], c));
        d2 += d * d;
      }
      worst = std::max(worst, d2);
    }
    return worst > 0.25 * skin_ * skin_;
  }

  /// Build the lists from pos (N, D), wrapped on the periodic axes.
  void build(const T* pos, int N) {
    N_ = N;
    ref_.assign(pos, pos + std::size_t(N) * D_);
    if (use_cells_) bin(pos, N);
    if (capacity_ == 0) capacity_ = 32;
    count_.assign(N, 0);
    for (;;) {
      nbr_.assign(std::size_t(N) * capacity_, 0);
      fill(pos, N);
      int most = 0;
      for (int i = 0; i < N; ++i) most = std::max(most, count_[i]);
      if (most <= capacity_) break;
      capacity_ = most + most / 4 + 8;  // grow and build again: never drop a pair
      ++grows_;
    }
    ++builds_;
  }

  int count(int i) const { return count_[i]; }
  const int* neighbors(int i) const { return nbr_.data() + std::size_t(i) * capacity_; }
  long builds() const { return builds_; }
  long grows() const { return grows_; }
  int capacity() const { return capacity_; }
  double r_list() const { return r_list_; }
  bool uses_cells() const { return use_cells_; }
  /// Cells per axis of the last build (1 on unused axes).
  const int* cells() const { return ncell_; }

 private:
  /// Counting sort of the particles into cells (in index order inside a cell).
  void bin(const T* pos, int N) {
    double lo[3] = {0, 0, 0}, ext[3] = {1, 1, 1};
    for (int c = 0; c < 3; ++c) ncell_[c] = 1;
    for (int c = 0; c < D_; ++c) {
      if (box_.present && box_.periodic[c]) {
        lo[c] = 0, ext[c] = box_.L[c];
      } else {
        double mn = double(pos[c]), mx = mn;
        for (int i = 1; i < N; ++i) mn = std::min(mn, double(pos[i * D_ + c])), mx = std::max(mx, double(pos[i * D_ + c]));
        lo[c] = mn, ext[c] = std::max(mx - mn, 1e-300);
      }
    }
    double s = r_list_;
    for (;;) {  // cells of edge >= s, at most 2N + 64 in all
      double total = 1;
      for (int c = 0; c < D_; ++c) {
        const double n = std::floor(ext[c] / s);
        ncell_[c] = int(std::max(1.0, std::min(n, 1e6)));
        total *= ncell_[c];
      }
      if (total <= 2.0 * N + 64) break;
      s *= 1.25;
    }
    for (int c = 0; c < D_; ++c) lo_[c] = lo[c], scale_[c] = ncell_[c] / ext[c];
    const int ncells = ncell_[0] * ncell_[1] * ncell_[2];
    cell_of_.resize(N);
    start_.assign(std::size_t(ncells) + 1, 0);
    for (int i = 0; i < N; ++i) {
      int id = 0;
      for (int c = D_ - 1; c >= 0; --c) {
        int k = int(std::floor((double(pos[i * D_ + c]) - lo_[c]) * scale_[c]));
        k = std::min(ncell_[c] - 1, std::max(0, k));
        id = id * ncell_[c] + k;
      }
      cell_of_[i] = id;
      ++start_[id + 1];
    }
    for (int k = 0; k < ncells; ++k) start_[k + 1] += start_[k];
    sorted_.resize(N);
    std::vector<int> next(start_.begin(), start_.end() - 1);
    for (int i = 0; i < N; ++i) sorted_[next[cell_of_[i]]++] = i;
  }

  /// The cells adjacent to cell coordinate k on axis c (itself included), de-duplicated.
  int adjacent(int c, int k, int out[3]) const {
    const int n = ncell_[c];
    const bool per = c < D_ && box_.present && box_.periodic[c];
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

  void fill(const T* pos, int N) {
    const T rl2 = T(r_list_ * r_list_);
#pragma omp parallel for schedule(static) if (N > 1024)
    for (int i = 0; i < N; ++i) {
      int* out = nbr_.data() + std::size_t(i) * capacity_;
      int cnt = 0;
      const auto consider = [&](int j) {
        T r2 = 0;
        for (int c = 0; c < D_; ++c) {
          const T d = ax_.min_image_wrapped(pos[i * D_ + c] - pos[j * D_ + c], c);
          r2 += d * d;
        }
        if (r2 < rl2) {
          if (cnt < capacity_) out[cnt] = j;
          ++cnt;
        }
      };
      if (!use_cells_) {
        for (int j = 0; j < N; ++j)
          if (j != i) consider(j);
      } else {
        int k[3] = {0, 0, 0};
        for (int c = 0, id = cell_of_[i]; c < 3; ++c) k[c] = id % ncell_[c], id /= ncell_[c];
        int a0[3], a1[3], a2[3];
        const int n0 = adjacent(0, k[0], a0), n1 = adjacent(1, k[1], a1), n2 = adjacent(2, k[2], a2);
        for (int z = 0; z < n2; ++z)
          for (int y = 0; y < n1; ++y)
            for (int x = 0; x < n0; ++x) {
              const int cell = (a2[z] * ncell_[1] + a1[y]) * ncell_[0] + a0[x];
              for (int p = start_[cell]; p < start_[cell + 1]; ++p)
                if (sorted_[p] != i) consider(sorted_[p]);
            }
      }
      count_[i] = cnt;
      if (cnt <= capacity_) std::sort(out, out + cnt);
    }
  }

  double r_list_, skin_;
  Box box_;
  PeriodicAxes<T> ax_;
  int D_;
  bool use_cells_;
  int N_ = -1, capacity_ = 0;
  long builds_ = 0, grows_ = 0;
  int ncell_[3] = {1, 1, 1};
  double lo_[3] = {0, 0, 0}, scale_[3] = {1, 1, 1};
  std::vector<T> ref_;
  std::vector<int> count_, nbr_, cell_of_, start_, sorted_;
};

}  // namespace noether
