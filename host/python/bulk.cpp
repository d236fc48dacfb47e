// python/bulk.cpp — forces, potential energy and pair virial of one configuration under a pair law with a cutoff,
// in an orthorhombic box with periodic or open axes: the engine's bulk path (physics/bulk.hpp: minimum image,
// physics/cutoff.hpp smoothing, bulk_accelerations and bulk_energy_virial) on NumPy arrays. The ASE calculator
// (python/noether/ase.py) uses it for periodic cells and for laws with a cutoff.
#include <nanobind/stl/string.h>

#include <cmath>

#include "noether/io/json_config.hpp"
#include "noether/io/simulation_config.hpp"
#include "noether/physics/bulk.hpp"
#include "python/common.hpp"

namespace noether::py {

namespace {

/// Forces F = m a (N, D), U and W of positions (N, D) under `law` cut off by `cutoff_json` ({"cutoff", "smoothing",
/// "r_on"} as in a config's "system", docs/BULK.md) in the box `box` (D,) with `periodic` (D,) flags.
nb::tuple bulk_forces(const PairLaw& law, const std::string& cutoff_json, const AnyArray& positions,
                      const AnyArray& masses, const AnyArray& box, const AnyArray& periodic) {
  const Checked P = check_array(positions, "positions", {2});
  const Checked M = check_array(masses, "masses", {1});
  const Checked L = check_array(box, "box", {1});
  const Checked per = check_array(periodic, "periodic", {1});
  const int N = int(P.shape[0]), D = int(P.shape[1]);
  if (D != 2 && D != 3) throw ArgumentError("positions: expected shape (N, 2) or (N, 3), got " + shape_str(P.shape));
  if (M.shape[0] != std::size_t(N))
    throw ArgumentError("masses: expected shape (" + std::to_string(N) + ",), got " + shape_str(M.shape));
  if (L.shape[0] != std::size_t(D) || per.shape[0] != std::size_t(D))
    throw ArgumentError("box, periodic: expected shape (" + std::to_string(D) + ",) each, got " + shape_str(L.shape) +
                        " and " + shape_str(per.shape));
  for (double m : M.data)
    if (!(m > 0) || !std::isfinite(m)) throw ArgumentError("masses: expected finite values > 0");
  for (double x : P.data)
    if (!std::isfinite(x)) throw ArgumentError("positions: expected finite values");
  BulkSpec spec;
  spec.enabled = true;
  spec.pair_laws = {law.spec};
  try {
    spec.pair_cutoffs = {parse_cutoff(cfg::json::parse(cutoff_json), cfg::Ctx{"cutoff", ""})};
  } catch (const Error& e) {
    throw ArgumentError(e.what());
  }
  const double rc = spec.pair_cutoffs[0].cutoff;
  Box b;
  b.present = true;
  for (int c = 0; c < D; ++c) {
    b.periodic[c] = per.data[c] != 0;
    b.L[c] = L.data[c];
    if (!b.periodic[c]) continue;
    if (!(std::isfinite(b.L[c]) && b.L[c] > 0))
      throw ArgumentError("box[" + std::to_string(c) + "]: a periodic axis needs a finite length > 0, got " +
                          std::to_string(b.L[c]));
    if (!(rc > 0))
      throw ArgumentError("cutoff: a periodic axis needs a pair law with a cutoff (only the minimum image is summed)");
    if (b.L[c] < 2 * rc)
      throw ArgumentError("box[" + std::to_string(c) + "] = " + std::to_string(b.L[c]) + ": a periodic edge must be >= 2 * cutoff = " +
                          std::to_string(2 * rc) + " (the minimum image must be the only image within reach)");
  }
  std::vector<double> q = P.data, acc(P.data.size());
  const PeriodicAxes<double> ax(b);
  for (int i = 0; i < N; ++i)
    for (int c = 0; c < D; ++c) {
      int image = 0;
      wrap_coordinate(q[std::size_t(i) * D + c], image, ax.L[c], ax.inv_L[c]);
    }
  double U = 0, W = 0;
  const int* no_species = nullptr;                 // one species
  const NeighborList<double>* all_pairs = nullptr;  // every pair j (no neighbor list)
  {
    nb::gil_scoped_release release;
    with_species_laws<double>(spec, [&](const auto& laws) {
      bulk_accelerations(laws, ax, q.data(), M.data.data(), no_species, all_pairs, acc.data(), N, D);
      bulk_energy_virial(laws, ax, q.data(), M.data.data(), no_species, all_pairs, N, D, U, W);
    });
  }
  for (std::size_t k = 0; k < acc.size(); ++k) acc[k] *= M.data[k / std::size_t(D)];
  return nb::make_tuple(to_numpy(std::move(acc), P.shape), U, W);
}

}  // namespace

void register_bulk(nb::module_& m) {
  m.def("bulk_forces", &bulk_forces, nb::arg("law"), nb::arg("cutoff_json"), nb::arg("positions"), nb::arg("masses"),
        nb::arg("box"), nb::arg("periodic"),
        "(F (N, D), U, W): forces, potential energy and pair virial W = Σ_{i<j} d_ij · F_ij of positions (N, D), "
        "masses (N,) under the law cut off as {\"cutoff\", \"smoothing\", \"r_on\"} (docs/BULK.md), minimum image on "
        "the periodic axes of box (D,); float64.");
}

}  // namespace noether::py
