// nn/activations.hpp — the MLP activations and their first three derivatives, host/device.
//
//   squareplus  σ = (x + s)/2, s = √(x² + 4)      σ′ = (1 + x/s)/2   σ″ = 2/s³        σ‴ = −6x/s⁵
//   softplus    σ = log(1 + eˣ)                    σ′ = S = 1/(1+e⁻ˣ) σ″ = S(1−S)     σ‴ = S(1−S)(1−2S)
//   tanh        σ = t = tanh x                     σ′ = 1 − t²        σ″ = −2t(1 − t²) σ‴ = (1 − t²)(6t² − 2)
//   relu        σ = max(x, 0)                      σ′ = [x > 0]       σ″ = 0           σ‴ = 0
//               (σ′(0) = 0 as PyTorch; σ″ = 0 away from the kink: a ReLU net's input Hessian is 0 almost
//               everywhere, so ReLU suits plain forward/backward nets such as the pixel autoencoder,
//               pixel/autoencoder.hpp, not input-gradient models)
//
// σ, σ′, σ″ carry the forward jets of the pair MLP (V, V′, V″); σ‴ is needed by reverse mode through
// V″-shaped quantities (double backprop of jets). Everything is evaluated in the caller's precision T.
#pragma once
#include <cmath>
#include <string>

#include "noether/core/hostdev.hpp"

namespace noether {

enum class Activation { Squareplus, Softplus, Tanh, Relu };

/// The value and first three derivatives of an activation at one point.
template <typename T>
struct ActivationJet {
  T s0, s1, s2, s3;  ///< σ(x), σ′(x), σ″(x), σ‴(x)
};

/// σ and its derivatives at x (formulas in the file header).
template <typename T>
NOETHER_HOSTDEV ActivationJet<T> activation_jet(Activation act, T x) {
  using std::exp;
  using std::log1p;
  using std::sqrt;
  using std::tanh;
  ActivationJet<T> j;
  switch (act) {
    case Activation::Softplus: {
      const T e = exp(-(x < T(0) ? -x : x));                     // e^{−|x|} ∈ (0, 1]: no overflow
      j.s0 = (x > T(0) ? x : T(0)) + log1p(e);                   // max(x,0) + log(1 + e^{−|x|})
      const T S = x >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);  // logistic sigmoid
      j.s1 = S;
      j.s2 = S * (T(1) - S);
      j.s3 = j.s2 * (T(1) - T(2) * S);
      break;
    }
    case Activation::Tanh: {
      const T t = tanh(x);
      const T u = T(1) - t * t;
      j.s0 = t;
      j.s1 = u;
      j.s2 = T(-2) * t * u;
      j.s3 = u * (T(6) * t * t - T(2));
      break;
    }
    case Activation::Relu: {
      const bool on = x > T(0);
      j.s0 = on ? x : T(0);
      j.s1 = on ? T(1) : T(0);
      j.s2 = T(0);
      j.s3 = T(0);
      break;
    }
    case Activation::Squareplus:
    default: {
      const T s = sqrt(x * x + T(4));
      const T inv = T(1) / s;
      const T inv3 = inv * inv * inv;
      j.s0 = T(0.5) * (x + s);
      j.s1 = T(0.5) * (T(1) + x * inv);
      j.s2 = T(2) * inv3;
      j.s3 = T(-6) * x * inv3 * inv * inv;
      break;
    }
  }
  return j;
}

/// "squareplus" | "softplus" | "tanh" | "relu".
inline const char* activation_name(Activation a) {
  switch (a) {
    case Activation::Softplus: return "softplus";
    case Activation::Tanh: return "tanh";
    case Activation::Relu: return "relu";
    case Activation::Squareplus:
    default: return "squareplus";
  }
}

/// Parse a smooth activation's name (squareplus, softplus, tanh: the model files' and train configs'
/// choices); false otherwise — ReLU is deliberately not accepted there (its σ″ = 0 gives no force curvature).
inline bool parse_activation(const std::string& name, Activation& out) {
  if (name == "squareplus") return out = Activation::Squareplus, true;
  if (name == "softplus") return out = Activation::Softplus, true;
  if (name == "tanh") return out = Activation::Tanh, true;
  return false;
}

}  // namespace noether
