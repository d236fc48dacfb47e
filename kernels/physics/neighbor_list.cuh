// physics/neighbor_list.cuh — the cell + Verlet neighbor list on the device (GPU twin of physics/neighbor_list.hpp),
// for one configuration of N particles in D = 2 or 3 in a box with periodic or open axes. Internal to kernels/.
//
// Build (kernels in physics/neighbor_list.cu), all on the stream:
//   1. region: periodic axis [0, L); open axis [min x, max x] of the positions (one-block min/max reduction, copied
//      to the host), then the cell grid of physics/cell_grid.hpp (make_cell_grid: the CPU list's grid, edge ≥ r_list,
//      ≤ 2N + 64 cells);
//   2. counting sort by cell: cell id per particle and per-cell counts (atomicAdd on integer counts: the result
//      does not depend on the order), an exclusive scan (one block), a scatter (atomicAdd on per-cell cursors:
//      arbitrary order inside a cell), then each cell's members sorted by index (one thread per cell, insertion
//      sort): the cell order of the CPU list exactly, deterministic;
//   3. list: one thread per particle i scans the adjacent cells in the CPU order (z and y cells as adjacent_cells
//      gives them, x cells ascending; each cell's members by index) and appends every j ≠ i with minimum-image
//      r² < r_list² — the same pairs in the same order as the CPU list. Writes at most `capacity` entries and the
//      full count; the largest count goes to a device int (atomicMax). The host reads it: above the capacity it
//      grows the capacity (1.25x the largest count + 8, the CPU rule) and builds again — no pair is ever dropped;
//   4. the build's positions are kept as the reference of the skin rule.
// Rebuild rule (needs_rebuild): a flag raised (atomicOr) by any particle whose minimum-image displacement since the
// build, summed in float64, exceeds (skin/2)²; one int copied to the host per check.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <memory>

#include "core/device_util.cuh"
#include "noether/physics/box.hpp"
#include "noether/physics/cell_grid.hpp"

namespace noether {
namespace cuda {

/// Device neighbor lists of one configuration: count (N), nbr (capacity, N) — entry k of particle i at nbr[k·N + i],
/// so that the threads of a warp (consecutive i) read consecutive words at each k — each list in the CPU list's order.
template <typename T>
class DeviceNeighborList {
 public:
  /// r_cut: the largest pair cutoff (> 0); skin ≥ 0; capacity: initial entries per particle (≥ 1); block: threads
  /// per block of the per-particle kernels (a multiple of 32, ≤ 1024).
  DeviceNeighborList(const Box& box, int N, int D, double r_cut, double skin, int capacity, int block);

  /// True when no list was built yet or some particle of q (N, D, wrapped) moved more than skin / 2 since the
  /// last build. Synchronises the stream (one int comes back).
  bool needs_rebuild(const T* q, cudaStream_t stream);

  /// Build the lists for q (N, D), wrapped on the periodic axes; grows the capacity until every list fits.
  /// Synchronises the stream (the region bounds, the largest count).
  void build(const T* q, cudaStream_t stream);

  const int* count() const { return count_.get(); }
  const int* nbr() const { return nbr_->get(); }
  int capacity() const { return capacity_; }
  long builds() const { return builds_; }
  long grows() const { return grows_; }
  int block() const { return block_; }

 private:
  Box box_;
  PeriodicAxes<T> ax_;
  int N_, D_, capacity_, block_;
  double r_list_, skin_;
  long builds_ = 0, grows_ = 0;
  DeviceBuffer<int> cell_of_, cell_count_, cell_start_, cursor_, sorted_, count_, flag_;
  DeviceBuffer<double> bounds_;
  DeviceBuffer<T> ref_;
  std::unique_ptr<DeviceBuffer<int>> nbr_;  // (capacity, N); reallocated when the capacity grows
};

}  // namespace cuda
}  // namespace noether
