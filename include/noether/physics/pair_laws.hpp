// physics/pair_laws.hpp — the analytic pair potentials, each written once as a host/device "evaluator".
//
// An evaluator is a small struct with parameters and one method
//     void eval(T r2, T mi, T mj, T& V, T& f_over_r) const
// returning the pair energy V(r) and f_over_r = -V'(r)/r, so that the force on particle i from j is
//     F_ij = f_over_r * (q_i - q_j),   F_ji = -F_ij  (Newton's third law holds by construction).
// The CPU loop (host/forces) and the CUDA all-pairs kernel (kernels/) are templates over it.
#pragma once
#include <cmath>
#include <algorithm>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "noether/core/hostdev.hpp"
#include "noether/physics/lanes_math.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/physics/pair_table.hpp"

namespace noether {

namespace detail {
template <typename T>
NOETHER_HOSTDEV T sqrt_(T x) { return sqrt(x); }
/// 1/√x: the IEEE square root and division (after the lane overloads of sqrt_, physics/lanes_math.hpp, which it
/// calls), except on float32 lanes (lanes_math.hpp's inv_sqrt_, a better overload).
template <typename T>
NOETHER_HOSTDEV T inv_sqrt_(T x) { return (T{} + 1) / sqrt_(x); }  // T{} + 1: a scalar 1 or a register of ones
}  // namespace detail

/// Linear spring  V(r) = ½ k (r − r0)²,   V'(r) = k (r − r0).
/// Coincident particles (r = 0) have no defined direction: they contribute V = ½ k r0², zero force.
template <typename T>
struct LinearSpring {
  T k, r0;
  NOETHER_HOSTDEV void eval(T r2, T /*mi*/, T /*mj*/, T& V, T& f_over_r) const {
    const T r = detail::sqrt_(r2);   // [1 sqrt]
    const T x = r - r0;              // [1]
    V = T(0.5) * k * x * x;          // [3]
    f_over_r = r > T(0) ? -k * x / r : T(0);  // [2 + div]
  }
};

/// Non-linear spring  V(r) = ½ k (r − r0)⁴,   V'(r) = 2 k (r − r0)³.
template <typename T>
struct NonlinearSpring {
  T k, r0;
  NOETHER_HOSTDEV void eval(T r2, T /*mi*/, T /*mj*/, T& V, T& f_over_r) const {
    const T r = detail::sqrt_(r2);
    const T x = r - r0;
    const T x2 = x * x;
    V = T(0.5) * k * x2 * x2;
    f_over_r = r > T(0) ? T(-2) * k * x2 * x / r : T(0);
  }
};

/// Gravity  V(r) = −G m_i m_j / sqrt(r² + ε²)  (Plummer softening ε, default 0 = exact Newton).
///   V'(r) = G m_i m_j r / (r² + ε²)^{3/2}  ⇒  f_over_r = −G m_i m_j / (r² + ε²)^{3/2}.
/// Counted as 20 FLOPs per interaction for throughput figures (GPU Gems 3, ch. 31).
/// eval_any is eval over X = T or a register of T lanes (kRowLanes: physics/forces.hpp evaluates 8 or 16 rows i
/// against one j at once, with each lane's arithmetic that of X = T).
template <typename T>
struct Gravity {
  static constexpr bool kRowLanes = true;
  T G, eps2;
  NOETHER_HOSTDEV void eval(T r2, T mi, T mj, T& V, T& f_over_r) const { eval_any<T>(r2, mi, mj, V, f_over_r); }
  template <typename X>
  NOETHER_HOSTDEV void eval_any(X r2, X mi, X mj, X& V, X& f_over_r) const {
    const X s2 = r2 + eps2;                        // [1]
    const X inv_s = detail::inv_sqrt_(s2);         // [rsqrt]
    const X ngm = (-G) * mi * mj;                  // [2] = −G m_i m_j exactly; rows in lanes keep −G m_i for all j
    V = ngm * inv_s;                               // [1]
    f_over_r = ngm * inv_s * inv_s * inv_s;        // [3]
  }
};

/// Lennard-Jones  V(r) = 4ε [(σ/r)¹² − (σ/r)⁶],   f_over_r = −V'(r)/r = 24ε [2 (σ/r)¹² − (σ/r)⁶] / r².
/// Usually run with a cutoff (physics/cutoff.hpp); r = 0 is singular (V, f = +inf).
template <typename T>
struct LennardJones {
  T eps, sigma2;
  NOETHER_HOSTDEV void eval(T r2, T /*mi*/, T /*mj*/, T& V, T& f_over_r) const {
    const T inv_r2 = T(1) / r2;
    const T s2 = sigma2 * inv_r2;
    const T s6 = s2 * s2 * s2;
    const T s12 = s6 * s6;
    V = T(4) * eps * (s12 - s6);
    f_over_r = T(24) * eps * (T(2) * s12 - s6) * inv_r2;
  }
};

/// Which law, with every parameter any law can take; the runtime form of the evaluators.
/// Learned = a trained pair MLP V_θ(r) (physics/pair_mlp.hpp), e.g. from an mclnn model file.
/// Tabulated = piecewise quintic Hermite table of V(r) (physics/pair_table.hpp), e.g. from `noether tabulate`.
enum class PotentialKind { LinearSpring, NonlinearSpring, Gravity, Learned, Tabulated, LennardJones };

/// A learned pair potential: MLP shape, float64 parameters (nn/mlp_layout.hpp order) and scaling, the distances it
/// was trained on and its tail beyond them (physics/pair_tail.hpp).
struct LearnedPotential {
  MlpShape shape;
  std::vector<double> params;
  PairScaling scaling;
  PairSupport support;  ///< unknown (lo = hi = 0) for a model that records none
  PairTailSpec tail;    ///< none by default: the raw network everywhere
};

struct PairLawSpec {
  PotentialKind kind = PotentialKind::LinearSpring;
  double k = 1.0;          ///< spring stiffness
  double r0 = 1.0;         ///< spring rest length
  double G = 1.0;          ///< gravitational constant
  double softening = 0.0;  ///< Plummer ε (gravity only); 0 = off
  double epsilon = 1.0;    ///< Lennard-Jones well depth ε
  double sigma = 1.0;      ///< Lennard-Jones length σ
  std::shared_ptr<const LearnedPotential> learned;  ///< kind == Learned only
  std::shared_ptr<const PairTableData> table;       ///< kind == Tabulated only (coef filled)
};

/// The training support of a learned or tabulated law (unknown for analytic laws and models that record none).
inline PairSupport pair_law_support(const PairLawSpec& spec) {
  if (spec.kind == PotentialKind::Learned && spec.learned) return spec.learned->support;
  if (spec.kind == PotentialKind::Tabulated && spec.table) return spec.table->support;
  return PairSupport{};
}

/// True for laws whose parameters live in a buffer (learned MLP, table): the device needs them staged.
inline bool pair_law_has_buffer(const PairLawSpec& spec) {
  return spec.kind == PotentialKind::Learned || spec.kind == PotentialKind::Tabulated;
}

/// Call fn(evaluator) with the evaluator of an ANALYTIC spec in precision T (usable in CUDA launchers:
/// the evaluators hold no pointers). A learned spec is an error here.
template <typename T, typename Fn>
decltype(auto) with_analytic_pair_law(const PairLawSpec& spec, Fn&& fn) {
  NOETHER_REQUIRE(!pair_law_has_buffer(spec), "a learned or tabulated pair potential needs its parameters staged first");
  switch (spec.kind) {
    case PotentialKind::NonlinearSpring:
      return fn(NonlinearSpring<T>{T(spec.k), T(spec.r0)});
    case PotentialKind::Gravity:
      return fn(Gravity<T>{T(spec.G), T(spec.softening * spec.softening)});
    case PotentialKind::LennardJones:
      return fn(LennardJones<T>{T(spec.epsilon), T(spec.sigma * spec.sigma)});
    case PotentialKind::LinearSpring:
    default:
      return fn(LinearSpring<T>{T(spec.k), T(spec.r0)});
  }
}

/// Call fn(evaluator) with the evaluator of spec in precision T: the one runtime→template switch of the
/// CPU paths. A learned law's parameters (a table's coefficients) are converted to T in a host buffer that
/// lives for the call.
template <typename T, typename Fn>
decltype(auto) with_pair_law(const PairLawSpec& spec, Fn&& fn) {
  if (spec.kind == PotentialKind::Learned) {
    NOETHER_REQUIRE(spec.learned != nullptr, "pair law 'learned' without a model");
    const std::vector<T> p(spec.learned->params.begin(), spec.learned->params.end());
    return with_pair_mlp<T>(spec.learned->shape, p.data(), spec.learned->scaling, spec.learned->tail, fn);
  }
  if (spec.kind == PotentialKind::Tabulated) {
    NOETHER_REQUIRE(spec.table != nullptr, "pair law 'tabulated' without a table");
    const std::vector<T> c(spec.table->coef.begin(), spec.table->coef.end());
    return fn(make_pair_table<T>(*spec.table, c.data()));
  }
  return with_analytic_pair_law<T>(spec, fn);
}

/// The parameter buffer of spec in T: a learned law's MLP parameters, a table's coefficients; empty for analytic laws.
/// Throws (naming `what`) for a learned or tabulated spec without its model or table.
template <typename T>
std::vector<T> pair_law_buffer(const PairLawSpec& spec, const std::string& what) {
  if (spec.kind == PotentialKind::Learned) {
    NOETHER_REQUIRE(spec.learned != nullptr, what << ": pair law 'learned' without a model");
    return std::vector<T>(spec.learned->params.begin(), spec.learned->params.end());
  }
  if (spec.kind == PotentialKind::Tabulated) {
    NOETHER_REQUIRE(spec.table != nullptr, what << ": pair law 'tabulated' without a table");
    return std::vector<T>(spec.table->coef.begin(), spec.table->coef.end());
  }
  return {};
}

/// Call fn(std::integral_constant<int, W>{}) with W ∈ {16, 32, 64}, the smallest PairMlp width that holds the widest
/// layer of the learned specs among specs[0, n) (each checked with check_pair_mlp_shape; the others are skipped): the
/// one width choice of several learned laws that share one evaluator type (CPU and device).
template <typename Fn>
void with_learned_width(const PairLawSpec* specs, std::size_t n, Fn&& fn) {
  int w = 0;
  for (std::size_t k = 0; k < n; ++k)
    if (specs[k].kind == PotentialKind::Learned && specs[k].learned) {
      check_pair_mlp_shape(specs[k].learned->shape, specs[k].learned->scaling, kPairMlpMaxWidth);
      w = std::max(w, specs[k].learned->shape.max_width());
    }
  if (w <= 16) fn(std::integral_constant<int, 16>{});
  else if (w <= 32) fn(std::integral_constant<int, 32>{});
  else fn(std::integral_constant<int, 64>{});
}

/// Call fn(laws) with the evaluators of several BUFFER-backed specs in precision T (laws: const std::vector<Law>&,
/// laws[k] the law of specs[k]), all of one evaluator type Law: every spec learned (PairMlp<T, W>, W ∈ {16, 32, 64}
/// the smallest that holds the widest layer of them all; each MLP keeps its own widths, scaling and tail) or every spec
/// tabulated (PairTable<T>). The several-species form of with_pair_law: each spec's parameters (a table's coefficients)
/// are converted to T in a host buffer of its own that lives for the call. A mix of kinds, or an analytic spec, is an
/// error that starts with `what`.
template <typename T, typename Fn>
void with_buffer_pair_laws(const std::vector<PairLawSpec>& specs, const std::string& what, Fn&& fn) {
  NOETHER_REQUIRE(!specs.empty(), what << ": no pair laws");
  const PotentialKind kind = specs[0].kind;
  for (const PairLawSpec& s : specs)
    NOETHER_REQUIRE(pair_law_has_buffer(s) && s.kind == kind,
                    what << ": every species pair needs a law of one kind: all learned (pair MLPs) or all tabulated");
  std::vector<std::vector<T>> buf;
  for (const PairLawSpec& s : specs) buf.push_back(pair_law_buffer<T>(s, what));
  if (kind == PotentialKind::Learned) {
    with_learned_width(specs.data(), specs.size(), [&](auto width) {
      constexpr int W = decltype(width)::value;
      std::vector<PairMlp<T, W>> laws;
      for (std::size_t k = 0; k < specs.size(); ++k) {
        const LearnedPotential& L = *specs[k].learned;
        laws.push_back(make_pair_mlp<T, W>(L.shape, buf[k].data(), L.scaling, L.tail));
      }
      fn(static_cast<const std::vector<PairMlp<T, W>>&>(laws));
    });
    return;
  }
  std::vector<PairTable<T>> laws;
  for (std::size_t k = 0; k < specs.size(); ++k) laws.push_back(make_pair_table<T>(*specs[k].table, buf[k].data()));
  fn(static_cast<const std::vector<PairTable<T>>&>(laws));
}

}  // namespace noether
