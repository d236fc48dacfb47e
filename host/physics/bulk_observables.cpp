// physics/bulk_observables.cpp — g(r) per species pair (cells or all pairs), MSD and the diffusion coefficient of saved
// bulk frames (physics/bulk_observables.hpp).
#include "noether/physics/bulk_observables.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "noether/core/error.hpp"

namespace noether {

namespace {

constexpr double kPi = 3.14159265358979323846;

void check_rdf_arguments(const Box& box, int D, double r_max, int bins) {
  NOETHER_REQUIRE(box.present && box.volume(D) > 0, "g(r): needs a box (its volume normalises g)");
  NOETHER_REQUIRE(bins >= 1 && r_max > 0 && std::isfinite(r_max), "g(r): expected bins >= 1 and r_max > 0");
  for (int c = 0; c < D; ++c)
    NOETHER_REQUIRE(!box.periodic[c] || r_max <= 0.5 * box.L[c],
                    "g(r): r_max = " << r_max << " beyond half the periodic edge " << box.L[c] << " of axis " << c);
}

inline int species_of(const int* species, int i) { return species ? species[i] : 0; }

/// Bin of the minimum-image distance of i and j, or -1 beyond r_max: the one distance both paths compute.
inline int pair_bin(const double* q, int i, int j, int D, const PeriodicAxes<double>& ax, double dr, int bins) {
  double r2 = 0;
  for (int c = 0; c < D; ++c) {
    const double d = ax.min_image(q[i * D + c] - q[j * D + c], c);
    r2 += d * d;
  }
  const int k = int(std::sqrt(r2) / dr);
  return k < bins ? k : -1;
}

/// counts (bins) += pairs (i ∈ a, j ∈ b, j ≠ i) of frame q (N, D) by bin, every pair visited.
void count_all_pairs(const double* q, int N, int D, const PeriodicAxes<double>& ax, const int* species, int a, int b,
                     double dr, int bins, std::vector<std::uint64_t>& counts) {
#pragma omp parallel
  {
    std::vector<std::uint64_t> mine(bins, 0);
#pragma omp for schedule(static)
    for (int i = 0; i < N; ++i) {
      if (species_of(species, i) != a) continue;
      for (int j = 0; j < N; ++j) {
        if (j == i || species_of(species, j) != b) continue;
        const int k = pair_bin(q, i, j, D, ax, dr, bins);
        if (k >= 0) ++mine[k];
      }
    }
#pragma omp critical
    for (int k = 0; k < bins; ++k) counts[k] += mine[k];  // integer counts: exact in any order
  }
}

/// Cells per axis of edge > r_max (a 1e-9 relative margin so that rounding never puts a pair within r_max two cells
/// apart), at most ⌊(2N)^{1/D}⌋ + 3 per axis so that the grid stays O(N) however large the box is against r_max
/// (fewer, larger cells visit the same pairs); false when an axis of the dimension would hold fewer than 3.
bool rdf_cell_grid(const Box& box, int D, int N, double r_max, int nc[3]) {
  nc[0] = nc[1] = nc[2] = 1;
  const double cap = std::floor(std::pow(2.0 * std::max(N, 1), 1.0 / D)) + 3;
  for (int c = 0; c < D; ++c) {
    const double n = std::floor(box.L[c] / (r_max * (1 + 1e-9)));
    if (!(n >= 3)) return false;
    nc[c] = int(std::min(n, cap));
  }
  return true;
}

/// The same counts through cells: species-b particles sorted into cells of edge h_c = L_c / nc_c (periodic
/// coordinates wrapped for the binning only, open ones clamped to the edge cells), each i ∈ a visiting the 3^D cells
/// around its own; |Δx_c| < r_max < h_c puts j at most one cell away (mod nc_c on periodic axes).
void count_by_cells(const double* q, int N, int D, const Box& box, const PeriodicAxes<double>& ax, const int* species,
                    int a, int b, double dr, int bins, const int nc[3], std::vector<std::uint64_t>& counts) {
  const int ncell = nc[0] * nc[1] * nc[2];
  auto cell_coord = [&](const double* x, int c) {
    double v = x[c];
    if (box.periodic[c]) v -= box.L[c] * std::floor(v / box.L[c]);
    const int k = int(std::floor(v * nc[c] / box.L[c]));
    return std::clamp(k, 0, nc[c] - 1);
  };
  std::vector<int> cell(N, -1), start(ncell + 1, 0), members;
  for (int j = 0; j < N; ++j) {
    if (species_of(species, j) != b) continue;
    int id = 0;
    for (int c = D - 1; c >= 0; --c) id = id * nc[c] + cell_coord(q + std::size_t(j) * D, c);
    cell[j] = id;
    ++start[id + 1];
  }
  for (int k = 0; k < ncell; ++k) start[k + 1] += start[k];
  members.resize(start[ncell]);
  {
    std::vector<int> fill(start.begin(), start.end() - 1);
    for (int j = 0; j < N; ++j)
      if (cell[j] >= 0) members[fill[cell[j]]++] = j;
  }
#pragma omp parallel
  {
    std::vector<std::uint64_t> mine(bins, 0);
#pragma omp for schedule(dynamic, 256)
    for (int i = 0; i < N; ++i) {
      if (species_of(species, i) != a) continue;
      int ci[3] = {0, 0, 0};
      for (int c = 0; c < D; ++c) ci[c] = cell_coord(q + std::size_t(i) * D, c);
      const int span2 = D == 3 ? 1 : 0;
      for (int o2 = -span2; o2 <= span2; ++o2)
        for (int o1 = -1; o1 <= 1; ++o1)
          for (int o0 = -1; o0 <= 1; ++o0) {
            const int off[3] = {o0, o1, o2};
            int id = 0;
            bool inside = true;
            for (int c = D - 1; c >= 0; --c) {
              int k = ci[c] + off[c];
              if (box.periodic[c])
                k = (k + nc[c]) % nc[c];
              else if (k < 0 || k >= nc[c])
                inside = false;
              id = id * nc[c] + k;
            }
            if (!inside) continue;
            for (int m = start[id]; m < start[id + 1]; ++m) {
              const int j = members[m];
              if (j == i) continue;
              const int k = pair_bin(q, i, j, D, ax, dr, bins);
              if (k >= 0) ++mine[k];
            }
          }
    }
#pragma omp critical
    for (int k = 0; k < bins; ++k) counts[k] += mine[k];
  }
}

std::vector<double> normalise_rdf(const std::vector<std::uint64_t>& counts, int F, int N, int D, const Box& box,
                                  const int* species, int a, int b, double r_max) {
  const int bins = int(counts.size());
  long na = 0, nb = 0;
  for (int i = 0; i < N; ++i) {
    const int s = species_of(species, i);
    na += s == a, nb += s == b;
  }
  const double dr = r_max / bins, pairs = double(na) * double(a == b ? nb - 1 : nb);
  std::vector<double> g(bins, 0.0);
  for (int k = 0; k < bins; ++k) {
    const double lo = k * dr, hi = (k + 1) * dr;
    const double shell = D == 3 ? 4.0 / 3.0 * kPi * (hi * hi * hi - lo * lo * lo) : kPi * (hi * hi - lo * lo);
    g[k] = pairs > 0 ? double(counts[k]) * box.volume(D) / (pairs * shell * F) : 0.0;
  }
  return g;
}

}  // namespace

std::vector<double> radial_distribution_all_pairs(const double* pos, int F, int N, int D, const Box& box,
                                                  const int* species, int a, int b, double r_max, int bins) {
  check_rdf_arguments(box, D, r_max, bins);
  const PeriodicAxes<double> ax(box);
  std::vector<std::uint64_t> counts(bins, 0);
  for (int f = 0; f < F; ++f)
    count_all_pairs(pos + std::size_t(f) * N * D, N, D, ax, species, a, b, r_max / bins, bins, counts);
  return normalise_rdf(counts, F, N, D, box, species, a, b, r_max);
}

std::vector<double> radial_distribution(const double* pos, int F, int N, int D, const Box& box, const int* species,
                                        int a, int b, double r_max, int bins) {
  check_rdf_arguments(box, D, r_max, bins);
  int nc[3];
  if (!rdf_cell_grid(box, D, N, r_max, nc))
    return radial_distribution_all_pairs(pos, F, N, D, box, species, a, b, r_max, bins);
  const PeriodicAxes<double> ax(box);
  std::vector<std::uint64_t> counts(bins, 0);
  for (int f = 0; f < F; ++f)
    count_by_cells(pos + std::size_t(f) * N * D, N, D, box, ax, species, a, b, r_max / bins, bins, nc, counts);
  return normalise_rdf(counts, F, N, D, box, species, a, b, r_max);
}

std::vector<double> mean_squared_displacement(const double* pos, const int* images, int B, int T, int N, int D,
                                              const Box& box) {
  std::vector<double> msd(std::size_t(B) * T, 0.0);
  const std::size_t frame = std::size_t(N) * D;
  for (std::size_t b = 0; b < std::size_t(B); ++b)
    for (std::size_t f = 0; f < std::size_t(T); ++f) {
      double s2 = 0;
      for (std::size_t k = 0; k < frame; ++k) {
        const std::size_t c = k % D, o = (b * T + f) * frame + k, o0 = b * T * frame + k;
        const double L = box.present && box.periodic[c] ? box.L[c] : 0.0;
        const double n = images ? double(images[o]) : 0.0, n0 = images ? double(images[o0]) : 0.0;
        const double d = (pos[o] + n * L) - (pos[o0] + n0 * L);
        s2 += d * d;
      }
      msd[b * T + f] = s2 / double(N);
    }
  return msd;
}

double diffusion_coefficient(const double* times, const double* msd, int T, int D, double fit_from) {
  NOETHER_REQUIRE(T >= 2 && fit_from >= 0 && fit_from < 1, "diffusion coefficient: needs >= 2 frames and fit_from in [0, 1)");
  const double t_from = fit_from * times[T - 1];
  double n = 0, st = 0, sm = 0;
  for (int f = 0; f < T; ++f)
    if (times[f] >= t_from) n += 1, st += times[f], sm += msd[f];
  NOETHER_REQUIRE(n >= 2, "diffusion coefficient: fewer than 2 frames at t >= " << t_from);
  const double tm = st / n, mm = sm / n;
  double stt = 0, stm = 0;
  for (int f = 0; f < T; ++f)
    if (times[f] >= t_from) stt += (times[f] - tm) * (times[f] - tm), stm += (times[f] - tm) * (msd[f] - mm);
  NOETHER_REQUIRE(stt > 0, "diffusion coefficient: the fitted frames share one time");
  return stm / stt / (2.0 * D);
}

}  // namespace noether
