// physics/mixed_pair_law.hpp — one evaluator type for species pairs whose laws are of DIFFERENT kinds (e.g.
// Lennard-Jones for A–A, a learned pair MLP for A–B, a table for B–B): MixedPairLaw<T> holds any one law and
// dispatches on its kind at run time, with the eval(r2, mi, mj, V, f_over_r) of every evaluator
// (physics/pair_laws.hpp), host and device.
//
//   eval = LinearSpring::eval | NonlinearSpring::eval | Gravity::eval | LennardJones::eval | PairMlp::eval |
//          PairTable::eval, by `kind`
//
// Runs whose pairs share one kind keep their own evaluator type (physics/bulk.hpp, with_species_laws): the vectorised
// rows of one analytic law and the width-specialised MLPs stay theirs; a mixed run pays one switch per pair and
// evaluates its MLPs with the widest instantiation (kPairMlpMaxWidth; the widths themselves are the model's).
// Like PairMlp and PairTable, a MixedPairLaw holds a POINTER to the learned parameters or the table's coefficients
// (host memory for the CPU, device memory on the GPU: set_buffer).
#pragma once
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/core/hostdev.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/physics/pair_table.hpp"

namespace noether {

template <typename T>
struct MixedPairLaw {
  PotentialKind kind = PotentialKind::LinearSpring;
  LinearSpring<T> linear{};
  NonlinearSpring<T> nonlinear{};
  Gravity<T> gravity{};
  LennardJones<T> lennard_jones{};
  PairMlp<T, kPairMlpMaxWidth> mlp{};
  PairTable<T> table{};

  /// The evaluator of `kind` (file comment).
  NOETHER_HOSTDEV void eval(T r2, T mi, T mj, T& V, T& f_over_r) const {
    switch (kind) {
      case PotentialKind::NonlinearSpring: nonlinear.eval(r2, mi, mj, V, f_over_r); return;
      case PotentialKind::Gravity: gravity.eval(r2, mi, mj, V, f_over_r); return;
      case PotentialKind::LennardJones: lennard_jones.eval(r2, mi, mj, V, f_over_r); return;
      case PotentialKind::Learned: mlp.eval(r2, mi, mj, V, f_over_r); return;
      case PotentialKind::Tabulated: table.eval(r2, mi, mj, V, f_over_r); return;
      case PotentialKind::LinearSpring:
      default: linear.eval(r2, mi, mj, V, f_over_r); return;
    }
  }

  /// Point a learned law at its parameters, a table at its coefficients (no-op for analytic laws).
  void set_buffer(const T* p) {
    if (kind == PotentialKind::Learned) mlp.params = p;
    if (kind == PotentialKind::Tabulated) table.coef = p;
  }
};

/// The MixedPairLaw of spec over `buffer` (pair_law_buffer's values, host or device memory; unused for analytic
/// laws). Throws noether::Error for an MLP wider than kPairMlpMaxWidth.
template <typename T>
MixedPairLaw<T> make_mixed_pair_law(const PairLawSpec& spec, const T* buffer) {
  MixedPairLaw<T> m;
  m.kind = spec.kind;
  switch (spec.kind) {
    case PotentialKind::Learned: {
      const LearnedPotential& L = *spec.learned;
      m.mlp = make_pair_mlp<T, kPairMlpMaxWidth>(L.shape, buffer, L.scaling, L.tail);
      break;
    }
    case PotentialKind::Tabulated: m.table = make_pair_table<T>(*spec.table, buffer); break;
    default:
      with_analytic_pair_law<T>(spec, [&](auto law) {
        using L = decltype(law);
        if constexpr (std::is_same_v<L, LinearSpring<T>>) m.linear = law;
        if constexpr (std::is_same_v<L, NonlinearSpring<T>>) m.nonlinear = law;
        if constexpr (std::is_same_v<L, Gravity<T>>) m.gravity = law;
        if constexpr (std::is_same_v<L, LennardJones<T>>) m.lennard_jones = law;
      });
  }
  return m;
}

/// True when the specs are not all of one kind (they then need MixedPairLaw).
inline bool pair_law_kinds_differ(const std::vector<PairLawSpec>& specs) {
  for (const PairLawSpec& s : specs)
    if (s.kind != specs.front().kind) return true;
  return false;
}

}  // namespace noether
