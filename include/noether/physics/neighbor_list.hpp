// physics/neighbor_list.hpp — CPU cell list + Verlet neighbor list with a skin, for one configuration of N particles
// in D = 2 or 3 in a box (physics/box.hpp; periodic or open per axis). Header-only template on the precision T.
//
// Build: the region (periodic axis: [0, L); open axis: [min x, max x] of the current positions) is cut into cells of
// edge ≥ r_list = r_c + skin (at most 2N + 64 cells in all: O(N) memory); particles are counting-sorted into cells
// in index order, and their coordinates copied in that order, one array per axis; particle i lists every j ≠ i of its
// own and the adjacent cells (the stencil, de-duplicated when a periodic axis has fewer than 3 cells) whose
// minimum-image distance is < r_list — the distances of a row of adjacent cells computed in SIMD lanes over the
// contiguous copies, then compacted (AVX-512 compress stores where available). A list is in cell-scan order (the
// stencil's rows, each cell's particles in index order): deterministic for a configuration and a cell grid, and
// spatially local, so a force loop over it reads nearby positions; it is not sorted by j (the sort cost ~13% of a
// 32,000-particle LJ run), so forces summed over it agree with the all-pairs sums to rounding, not bit for bit.
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
#include <type_traits>
#include <vector>

#if !defined(__CUDACC__) && defined(__AVX512F__)
#include <immintrin.h>  // NeighborList::scan: compress stores
#endif

#include "noether/core/error.hpp"
#include "noether/physics/box.hpp"
#include "noether/physics/cell_grid.hpp"

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
    else {  // one "cell" holding every particle in index order
      sorted_.resize(N);
      for (int i = 0; i < N; ++i) sorted_[i] = i;
    }
    gather_sorted(pos, N);
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
    const CellGrid g = make_cell_grid(D_, r_list_, N, lo, ext);  // physics/cell_grid.hpp, shared with the CUDA list
    for (int c = 0; c < 3; ++c) ncell_[c] = g.n[c], lo_[c] = g.lo[c], scale_[c] = g.scale[c];
    const int ncells = ncell_[0] * ncell_[1] * ncell_[2];
    cell_of_.resize(N);
    start_.assign(std::size_t(ncells) + 1, 0);
    for (int i = 0; i < N; ++i) {
      const int id = cell_id_of(pos + std::size_t(i) * D_, D_, ncell_, lo_, scale_);
      cell_of_[i] = id;
      ++start_[id + 1];
    }
    for (int k = 0; k < ncells; ++k) start_[k + 1] += start_[k];
    sorted_.resize(N);
    std::vector<int> next(start_.begin(), start_.end() - 1);
    for (int i = 0; i < N; ++i) sorted_[next[cell_of_[i]]++] = i;
  }

  /// The cells adjacent to cell coordinate k on axis c (itself included), de-duplicated (physics/cell_grid.hpp).
  int adjacent(int c, int k, int out[3]) const {
    return adjacent_cells(k, ncell_[c], c < D_ && box_.present && box_.periodic[c], out);
  }

  /// The coordinates in cell order, one array per axis: spos_[c·N + p] = pos[sorted_[p]·D + c] (contiguous scans).
  void gather_sorted(const T* pos, int N) {
    spos_.resize(std::size_t(N) * D_);
    for (int c = 0; c < D_; ++c)
      for (int p = 0; p < N; ++p) spos_[std::size_t(c) * N + p] = pos[std::size_t(sorted_[p]) * D_ + c];
  }

  /// Append to found[cnt..] every particle sorted_[p], p in [b, e), within r_list of qi (i itself included: the
  /// caller removes it). The distances of the whole range are computed first in SIMD lanes over the contiguous
  /// coordinates, then the indices within r_list are compacted: with AVX-512 by masked compress stores of 16 (or 8)
  /// at a time, otherwise branch-free (every index is written, the count advances only for a hit).
  /// found must have room for cnt + (e − b) + 16 entries.
  template <int Dim>
  int scan(const T* qi, int b, int e, int N, T rl2, std::vector<T>& r2buf, int* found, int cnt) const {
    if (int(r2buf.size()) < e - b + 16) r2buf.resize(std::size_t(e - b) + 16);
    T* rb = r2buf.data();
    const T* sx = spos_.data();
    const T* sy = sx + N;
    const T* sz = Dim == 3 ? sy + N : sy;
    const T xi = qi[0], yi = qi[1], zi = qi[Dim - 1];
#pragma omp simd
    for (int p = b; p < e; ++p) {
      const T dx = ax_.min_image_wrapped(xi - sx[p], 0), dy = ax_.min_image_wrapped(yi - sy[p], 1);
      const T dz = Dim == 3 ? ax_.min_image_wrapped(zi - sz[p], 2) : T(0);
      rb[p - b] = dx * dx + dy * dy + dz * dz;
    }
    const int* idx = sorted_.data();
    int p = b;
#if !defined(__CUDACC__) && defined(__AVX512F__)
    if constexpr (std::is_same_v<T, double>) {
      const __m512d lim = _mm512_set1_pd(rl2);
      for (; p + 8 <= e; p += 8) {
        const __mmask8 m = _mm512_cmp_pd_mask(_mm512_loadu_pd(rb + (p - b)), lim, _CMP_LT_OQ);
        _mm256_mask_compressstoreu_epi32(found + cnt, m, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx + p)));
        cnt += __builtin_popcount(unsigned(m));
      }
    } else if constexpr (std::is_same_v<T, float>) {
      const __m512 lim = _mm512_set1_ps(rl2);
      for (; p + 16 <= e; p += 16) {
        const __mmask16 m = _mm512_cmp_ps_mask(_mm512_loadu_ps(rb + (p - b)), lim, _CMP_LT_OQ);
        _mm512_mask_compressstoreu_epi32(found + cnt, m, _mm512_loadu_si512(idx + p));
        cnt += __builtin_popcount(unsigned(m));
      }
    }
#endif
    for (; p < e; ++p) {
      found[cnt] = idx[p];
      cnt += rb[p - b] < rl2;
    }
    return cnt;
  }

  void fill(const T* pos, int N) {
    if (D_ == 3) fill_d<3>(pos, N);
    else fill_d<2>(pos, N);
  }

  template <int Dim>
  void fill_d(const T* pos, int N) {
    const T rl2 = T(r_list_ * r_list_);
#pragma omp parallel if (N > 1024)
    {
      std::vector<T> r2buf;
      std::vector<int> found(64);
      // Room for cnt + (e − b) + 16 entries before each scan (e − b ≤ N).
      const auto room = [&](int cnt, int more) {
        if (int(found.size()) < cnt + more + 16) found.resize(std::size_t(cnt + more) * 2 + 16);
      };
#pragma omp for schedule(static)
      for (int i = 0; i < N; ++i) {
        int cnt = 0;
        const T* qi = pos + std::size_t(i) * Dim;
        if (!use_cells_) {
          room(0, N);
          cnt = scan<Dim>(qi, 0, N, N, rl2, r2buf, found.data(), 0);
        } else {
          int k[3] = {0, 0, 0};
          for (int c = 0, id = cell_of_[i]; c < 3; ++c) k[c] = id % ncell_[c], id /= ncell_[c];
          int a0[3], a1[3], a2[3];
          const int n0 = adjacent(0, k[0], a0), n1 = adjacent(1, k[1], a1), n2 = adjacent(2, k[2], a2);
          std::sort(a0, a0 + n0);  // adjacent x cells in ascending order: consecutive ones form one contiguous range
          for (int z = 0; z < n2; ++z)
            for (int y = 0; y < n1; ++y) {
              const int row = (a2[z] * ncell_[1] + a1[y]) * ncell_[0];
              for (int x = 0; x < n0;) {
                int x1 = x + 1;
                while (x1 < n0 && a0[x1] == a0[x1 - 1] + 1) ++x1;
                const int b = start_[row + a0[x]], e = start_[row + a0[x1 - 1] + 1];
                room(cnt, e - b);
                cnt = scan<Dim>(qi, b, e, N, rl2, r2buf, found.data(), cnt);
                x = x1;
              }
            }
        }
        // i itself was found (distance 0): remove it, keeping the order of the others
        int w = 0;
        for (int r = 0; r < cnt; ++r) {
          found[w] = found[r];
          w += found[r] != i;
        }
        cnt = w;
        count_[i] = cnt;
        if (cnt <= capacity_) std::copy(found.begin(), found.begin() + cnt, nbr_.data() + std::size_t(i) * capacity_);
      }
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
  std::vector<T> ref_, spos_;
  std::vector<int> count_, nbr_, cell_of_, start_, sorted_;
};

}  // namespace noether
