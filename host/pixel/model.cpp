// pixel/model.cpp — the pixel pendulum model of pixel/model.hpp: reference initialisation, encode / decode /
// latent field, and the loss L = ae + cc + 0.1·lat with its exact θ-gradient (formulas in the header).
#include <algorithm>
#include <cmath>

#include "noether/core/error.hpp"
#include "noether/core/rng.hpp"
#include "noether/nn/mlp_init.hpp"
#include "noether/pixel/model.hpp"

namespace noether {

namespace {

/// The residual-MLP shape [in, h, h, h, out] with ReLU.
MlpShape res_shape(int in, int h, int out) {
  MlpShape s;
  s.widths = {in, h, h, h, out};
  s.activation = Activation::Relu;
  return s;
}

/// Orthogonal weights and U(±1/√fan_in) biases for every layer of `shape` at p (PyTorch nn.Linear + orthogonal_).
void init_res_mlp(const MlpShape& shape, SplitMix64& rng, double* p) {
  for (int l = 1; l <= shape.layers(); ++l) {
    const int in = shape.widths[l - 1], out = shape.widths[l];
    orthogonal_init(out, in, [&rng] { return standard_normal(rng); }, p + shape.weight_offset(l));
    const double a = 1.0 / std::sqrt(double(in));
    for (int k = 0; k < out; ++k) p[shape.bias_offset(l) + k] = a * (2 * rng.uniform() - 1);
  }
}

void check_batch(const PixelModel& m, int n) {
  NOETHER_REQUIRE(n >= 1, "pixel model: need at least one row, got " << n);
  NOETHER_REQUIRE(m.latent.in() == m.latent_dim() && m.decoder.in() == m.latent_dim() &&
                      m.decoder.out() == m.input_dim(),
                  "pixel model: encoder, decoder and latent shapes do not fit together");
}

/// F (n, 2k) from G = ∇_z H (n, 2k): F_q = G_p, F_p = −G_q.
template <typename T>
void symplectic(const T* G, int n, int d, T* F) {
  const int k = d / 2;
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < k; ++c) {
      F[std::size_t(r) * d + c] = G[std::size_t(r) * d + k + c];
      F[std::size_t(r) * d + k + c] = -G[std::size_t(r) * d + c];
    }
}

template <typename T>
void latent_field(const PixelModel& m, const T* lat, const T* Z, int n, T* F, MlpTape<T>& tape, std::vector<T>& G) {
  const std::size_t np = m.latent.parameter_count();
  if (m.kind == HnnModelKind::Baseline) {
    mlp_forward<T>(m.latent, lat, np, Z, n, F, tape);
    return;
  }
  G.resize(std::size_t(n) * m.latent_dim());
  mlp_input_gradient<T>(m.latent, lat, np, Z, n, nullptr, G.data(), tape);
  symplectic(G.data(), n, m.latent_dim(), F);
}

}  // namespace

PixelModel init_pixel_model(HnnModelKind kind, int input_dim, int ae_hidden, int latent_dim,
                            const std::vector<int>& latent_hidden, std::uint64_t seed) {
  NOETHER_REQUIRE(input_dim >= 1 && ae_hidden >= 1, "pixel model: input_dim and ae_hidden must be >= 1");
  NOETHER_REQUIRE(latent_dim >= 2 && latent_dim % 2 == 0, "pixel model: latent_dim must be even and >= 2, got " << latent_dim);
  PixelModel m;
  m.kind = kind;
  m.encoder = res_shape(input_dim, ae_hidden, latent_dim);
  m.decoder = res_shape(latent_dim, ae_hidden, input_dim);
  // The latent model is the HNN library's (same initialisation), drawn from a seed derived from `seed`.
  const HnnModel lat = init_hnn_model(kind, latent_dim, latent_hidden, Activation::Tanh, seed ^ 0x5eed1a7e47ull);
  m.latent = lat.shape;
  m.params.assign(m.parameter_count(), 0.0);
  SplitMix64 rng{seed};
  init_res_mlp(m.encoder, rng, m.params.data());
  init_res_mlp(m.decoder, rng, m.params.data() + m.decoder_offset());
  std::copy(lat.params.begin(), lat.params.end(), m.params.begin() + std::ptrdiff_t(m.latent_offset()));
  return m;
}

template <typename T>
void pixel_encode(const PixelModel& m, const T* params, const T* X, int n, T* Z) {
  check_batch(m, n);
  ResMlpTape<T> tape;
  res_mlp_forward<T>(m.encoder, params, m.encoder.parameter_count(), X, n, Z, tape);
}

template <typename T>
void pixel_decode(const PixelModel& m, const T* params, const T* Z, int n, T* Xhat) {
  check_batch(m, n);
  ResMlpTape<T> tape;
  res_mlp_forward<T>(m.decoder, params + m.decoder_offset(), m.decoder.parameter_count(), Z, n, Xhat, tape);
}

template <typename T>
void pixel_latent_field(const PixelModel& m, const T* params, const T* Z, int n, T* F) {
  check_batch(m, n);
  MlpTape<T> tape;
  std::vector<T> G;
  latent_field(m, params + m.latent_offset(), Z, n, F, tape, G);
}

template <typename T>
void pixel_latent_energy(const PixelModel& m, const T* params, const T* Z, int n, T* H) {
  check_batch(m, n);
  NOETHER_REQUIRE(m.kind == HnnModelKind::Hnn, "pixel model: only an HNN has a latent energy H_θ");
  mlp_forward<T>(m.latent, params + m.latent_offset(), m.latent.parameter_count(), Z, n, H);
}

template <typename T>
PixelLossTerms pixel_model_loss(const PixelModel& m, const T* params, const T* XX, int n, T* grad,
                                PixelWorkspace<T>& ws) {
  check_batch(m, n);
  const int D = m.input_dim(), d = m.latent_dim(), k = d / 2;
  const T* enc = params;
  const T* dec = params + m.decoder_offset();
  const T* lat = params + m.latent_offset();
  // Forward: Z (2n, d) = E([x; x']), Xhat (n, D) = Dec(z), F (n, d) = field(z).
  ws.Z.resize(std::size_t(2) * n * d);
  ws.Xhat.resize(std::size_t(n) * D);
  ws.F.resize(std::size_t(n) * d);
  res_mlp_forward<T>(m.encoder, enc, m.encoder.parameter_count(), XX, 2 * n, ws.Z.data(), ws.enc);
  const T* z = ws.Z.data();
  const T* zn = z + std::size_t(n) * d;
  res_mlp_forward<T>(m.decoder, dec, m.decoder.parameter_count(), z, n, ws.Xhat.data(), ws.dec);
  latent_field(m, lat, z, n, ws.F.data(), ws.lat, ws.G);
  // Terms and their adjoints (dZ rows 0…n−1 for z, n…2n−1 for z').
  ws.dXhat.resize(std::size_t(n) * D);
  ws.dZ.assign(std::size_t(2) * n * d, T(0));
  ws.dF.resize(std::size_t(n) * d);
  T* dz = ws.dZ.data();
  T* dzn = dz + std::size_t(n) * d;
  PixelLossTerms t;
  {  // ae = 1/(nD) Σ (x − x̂)²
    const double s = 1.0 / (double(n) * D);
    double acc = 0;
    for (std::size_t i = 0, N = std::size_t(n) * D; i < N; ++i) {
      const double e = double(XX[i]) - double(ws.Xhat[i]);
      acc += e * e;
      ws.dXhat[i] = T(-2.0 * s * e);
    }
    t.ae = acc * s;
  }
  {  // cc = 1/(nk) Σ (z_p − (z'_q − z_q))²
    const double s = 1.0 / (double(n) * k);
    double acc = 0;
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < k; ++c) {
        const std::size_t q = std::size_t(r) * d + c, p = q + k;
        const double e = double(z[p]) - (double(zn[q]) - double(z[q]));
        acc += e * e;
        const T g = T(2.0 * s * e);
        dz[p] += g;
        dz[q] += g;
        dzn[q] -= g;
      }
    t.cc = acc * s;
  }
  {  // lat = 1/(n·2k) Σ (z' − z − F)², weighted 0.1 in L
    const double s = 1.0 / (double(n) * d);
    double acc = 0;
    for (std::size_t i = 0, N = std::size_t(n) * d; i < N; ++i) {
      const double r = double(zn[i]) - double(z[i]) - double(ws.F[i]);
      acc += r * r;
      const T g = T(kPixelLatentWeight * 2.0 * s * r);
      dzn[i] += g;
      dz[i] -= g;
      ws.dF[i] = -g;
    }
    t.latent = acc * s;
  }
  t.total = t.ae + t.cc + kPixelLatentWeight * t.latent;
  if (!grad) return t;
  const std::size_t np = m.parameter_count();
  std::fill(grad, grad + np, T(0));
  // Decoder: ∂L/∂θ_dec and its share of ∂L/∂z.
  ws.dZf.resize(std::size_t(n) * d);
  res_mlp_backward<T>(m.decoder, dec, m.decoder.parameter_count(), ws.dec, ws.dXhat.data(), grad + m.decoder_offset(),
                      ws.dZf.data());
  for (std::size_t i = 0, N = std::size_t(n) * d; i < N; ++i) dz[i] += ws.dZf[i];
  // Latent field: ∂L/∂θ_lat and ∂L/∂z through F.
  T* glat = grad + m.latent_offset();
  const std::size_t nl = m.latent.parameter_count();
  if (m.kind == HnnModelKind::Baseline) {
    mlp_backward<T>(m.latent, lat, nl, ws.lat, ws.dF.data(), glat, ws.dZf.data());
  } else {
    ws.dG.resize(std::size_t(n) * d);  // ∂L/∂G_p = ∂L/∂F_q, ∂L/∂G_q = −∂L/∂F_p
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < k; ++c) {
        ws.dG[std::size_t(r) * d + k + c] = ws.dF[std::size_t(r) * d + c];
        ws.dG[std::size_t(r) * d + c] = -ws.dF[std::size_t(r) * d + k + c];
      }
    mlp_input_gradient_backward<T>(m.latent, lat, nl, ws.lat, ws.dG.data(), nullptr, glat, ws.dZf.data());
  }
  for (std::size_t i = 0, N = std::size_t(n) * d; i < N; ++i) dz[i] += ws.dZf[i];
  std::fill(glat + m.latent.bias_offset(m.latent.layers()), glat + nl, T(0));  // frozen output bias
  // Encoder, both encodings at once.
  res_mlp_backward<T>(m.encoder, enc, m.encoder.parameter_count(), ws.enc, ws.dZ.data(), grad, nullptr);
  return t;
}

#define NOETHER_INSTANTIATE_PIXEL(T)                                                                          \
  template PixelLossTerms pixel_model_loss<T>(const PixelModel&, const T*, const T*, int, T*, PixelWorkspace<T>&); \
  template void pixel_encode<T>(const PixelModel&, const T*, const T*, int, T*);                             \
  template void pixel_decode<T>(const PixelModel&, const T*, const T*, int, T*);                             \
  template void pixel_latent_field<T>(const PixelModel&, const T*, const T*, int, T*);                       \
  template void pixel_latent_energy<T>(const PixelModel&, const T*, const T*, int, T*);
NOETHER_INSTANTIATE_PIXEL(double)
NOETHER_INSTANTIATE_PIXEL(float)
#undef NOETHER_INSTANTIATE_PIXEL

}  // namespace noether
