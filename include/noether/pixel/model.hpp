// pixel/model.hpp — the pixel pendulum model of the HNN paper (§5; reference experiment-pixels/train.py
// `pixelhnn_loss`, hnn.py PixelHNN): an autoencoder whose 2-d latent space carries an HNN (or, for the
// baseline, a plain MLP field), trained on one loss. CPU, float32 or float64 (host/pixel/model.cpp).
//
// Model, one flat parameter buffer [encoder | decoder | latent]:
//   encoder  E: [D, h, h(+res), h(+res), 2k] ReLU residual MLP (pixel/autoencoder.hpp), D = 2·28² = 1568
//   decoder  Dec: [2k, h, h(+res), h(+res), D] ReLU residual MLP (the mirror)
//   latent   HNN: H_θ [2k, 200, 200, 1] tanh, field F(z) = (∂H/∂z_p, −∂H/∂z_q)  (z = (z_q, z_p), k each)
//            baseline: F_θ [2k, 200, 200, 2k] tanh, F(z) = F_θ(z)
// (the latent MLP's output bias is 0 and frozen: the reference's last layer has no bias).
//
// Loss on a batch of n pairs (x_i, x'_i) (x' = the successor input, one frame later), z = E(x), z' = E(x'):
//   L = 1/n Σ_i [ ae_i + cc_i + 0.1 · lat_i ]                                  (reference: ae + cc + 1e-1·hnn)
//   ae_i  = 1/D  Σ_j (x_ij − Dec(z_i)_j)²                                      autoencoder MSE (of x only)
//   cc_i  = 1/k  Σ_c (z_p,ic − (z'_q,ic − z_q,ic))²                            latent consistency (paper Eq. 7)
//   lat_i = 1/2k Σ_c (z'_ic − (z_ic + F(z_i)_c))²                              latent dynamics: one Euler step
//                                                                              of the field per frame, no dt
// Gradients flow through both encodings. With ∂L/∂F = −0.1 · 2 r / (n · 2k), r = z' − z − F(z):
//   HNN       ∂L/∂G_p = ∂L/∂F_q,  ∂L/∂G_q = −∂L/∂F_p  (G = ∇_z H_θ), double backprop
//             (mlp_input_gradient_backward) gives ∂L/∂θ_H and the part of ∂L/∂z through the symplectic
//             gradient; baseline: mlp_backward. The reference's `input_noise` defaults to 0 and is left out.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "noether/hnn/model.hpp"
#include "noether/nn/mlp.hpp"
#include "noether/pixel/autoencoder.hpp"

namespace noether {

/// Weight of the latent-dynamics term (reference: 1e-1 · hnn_loss; the consistency term has weight 1).
constexpr double kPixelLatentWeight = 0.1;

/// The model: shapes and the flat float64 (master) parameters.
struct PixelModel {
  HnnModelKind kind = HnnModelKind::Hnn;
  MlpShape encoder, decoder, latent;
  std::vector<double> params;  ///< [encoder | decoder | latent], each in nn/mlp_layout.hpp order

  int input_dim() const { return encoder.in(); }
  int latent_dim() const { return encoder.out(); }
  std::size_t decoder_offset() const { return encoder.parameter_count(); }
  std::size_t latent_offset() const { return decoder_offset() + decoder.parameter_count(); }
  std::size_t parameter_count() const { return latent_offset() + latent.parameter_count(); }
};

/// The reference initialisation from SplitMix64(seed): every weight orthogonal (torch orthogonal_), biases
/// U(±1/√fan_in), the latent MLP by init_hnn_model (output bias 0). ae_hidden: h; latent_hidden: [200, 200].
/// Throws noether::Error on bad sizes (latent_dim even >= 2).
PixelModel init_pixel_model(HnnModelKind kind, int input_dim, int ae_hidden, int latent_dim,
                            const std::vector<int>& latent_hidden, std::uint64_t seed);

/// The terms of L (file header), averaged over the batch.
struct PixelLossTerms {
  double total = 0, ae = 0, cc = 0, latent = 0;
};

/// Scratch of pixel_model_loss, reused across calls.
template <typename T>
struct PixelWorkspace {
  ResMlpTape<T> enc, dec;
  MlpTape<T> lat;
  std::vector<T> Z, Xhat, dXhat, dZ, F, G, dF, dG, dZf;
};

/// L and its terms at the stacked batch XX (2n, D): rows 0…n−1 the inputs x_i, rows n…2n−1 their successors
/// x'_i. params: the model's flat buffer in precision T (m.parameter_count() values; m.params is not read).
/// grad (m.parameter_count()), when not nullptr, is OVERWRITTEN with ∂L/∂θ (frozen output bias: 0).
template <typename T>
PixelLossTerms pixel_model_loss(const PixelModel& m, const T* params, const T* XX, int n, T* grad,
                                PixelWorkspace<T>& ws);

/// Z (n, 2k) = E(X), X (n, D).
template <typename T>
void pixel_encode(const PixelModel& m, const T* params, const T* X, int n, T* Z);

/// Xhat (n, D) = Dec(Z), Z (n, 2k).
template <typename T>
void pixel_decode(const PixelModel& m, const T* params, const T* Z, int n, T* Xhat);

/// The latent field F (n, 2k) at Z (n, 2k) (HNN: symplectic gradient of H_θ; baseline: the MLP).
template <typename T>
void pixel_latent_field(const PixelModel& m, const T* params, const T* Z, int n, T* F);

/// H_θ (n) at Z (n, 2k); HNN models only.
template <typename T>
void pixel_latent_energy(const PixelModel& m, const T* params, const T* Z, int n, T* H);

}  // namespace noether
