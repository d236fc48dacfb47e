// pixel/fit.cu — pixel/cuda.hpp: the pixel pendulum model's loss, θ-gradient and training loop on the GPU,
// float32 compute. The autoencoder's residual ReLU layers run on CudaResMlp (pixel/res_mlp.cuh: cuBLAS GEMMs
// plus element-wise kernels); the latent HNN / baseline runs on CudaMlp<float>; the loss
// terms are per-element / per-row kernels summed in float64 by CUB. One stream for everything.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cub/device/device_reduce.cuh>
#include <memory>
#include <vector>

#include "nn/cublas_util.cuh"
#include "core/cuda_check.cuh"
#include "core/device_util.cuh"
#include "noether/nn/activations.hpp"
#include "noether/nn/cuda.hpp"
#include "noether/pixel/cuda.hpp"
#include "noether/core/error.hpp"
#include "pixel/res_mlp.cuh"

namespace noether {
namespace {

constexpr int kThreads = 256;

/// y += x (m entries).
__global__ void add_kernel(float* __restrict__ y, const float* __restrict__ x, std::size_t m) {
  for (std::size_t k = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; k < m; k += std::size_t(gridDim.x) * blockDim.x)
    y[k] += x[k];
}

// ---------------------------------------------------------------------------------------------------------
// Loss kernels (pixel/model.hpp's terms; products in float64 as pixel_model_loss, adjoints rounded to float).
// ---------------------------------------------------------------------------------------------------------

/// Autoencoder term over the m = n·D entries of X, X̂ (n, D): e = x − x̂, sq = e² (float64),
/// dX̂ = −2 s e with s = 1/(nD).
__global__ void ae_term_kernel(const float* __restrict__ X, const float* __restrict__ Xhat, std::size_t m, double s,
                               double* __restrict__ sq, float* __restrict__ dXhat) {
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < m; i += std::size_t(gridDim.x) * blockDim.x) {
    const double e = double(X[i]) - double(Xhat[i]);
    sq[i] = e * e;
    dXhat[i] = float(-2.0 * s * e);
  }
}

/// Latent terms, one thread per row r of z, z′ (n, d = 2k) and the field output Y (n, d):
///   F = (Y_p, −Y_q) for an HNN (Y = G = ∇_z H), F = Y for the baseline;
///   cc_r  = Σ_c (z_p − (z′_q − z_q))²,       g = 2 e/(nk):            z̄_p += g, z̄_q += g, z̄′_q −= g;
///   lat_r = Σ_i (z′_i − z_i − F_i)²,          g = 0.1 · 2 r_i/(n·d):   z̄′_i += g, z̄_i −= g, F̄_i = −g;
///   HNN: Ḡ_p = F̄_q, Ḡ_q = −F̄_p (into dY); baseline: dY = F̄.
/// dZ (2n, d) is OVERWRITTEN (rows 0…n−1 z̄, n…2n−1 z̄′).
__global__ void latent_terms_kernel(bool hamiltonian, const float* __restrict__ Z, const float* __restrict__ Y, int n,
                                    int d, double latent_weight, double* __restrict__ cc_row,
                                    double* __restrict__ lat_row, float* __restrict__ dZ, float* __restrict__ dY) {
  const int k = d / 2;
  const double s_cc = 1.0 / (double(n) * k), s_lat = 1.0 / (double(n) * d);
  for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < n; r += gridDim.x * blockDim.x) {
    const float* z = Z + std::size_t(r) * d;
    const float* zn = Z + (std::size_t(n) + r) * d;
    const float* y = Y + std::size_t(r) * d;
    float* dz = dZ + std::size_t(r) * d;
    float* dzn = dZ + (std::size_t(n) + r) * d;
    float* dy = dY + std::size_t(r) * d;
    for (int i = 0; i < d; ++i) dz[i] = 0.f, dzn[i] = 0.f;
    double acc = 0;
    for (int c = 0; c < k; ++c) {
      const int q = c, p = c + k;
      const double e = double(z[p]) - (double(zn[q]) - double(z[q]));
      acc += e * e;
      const float g = float(2.0 * s_cc * e);
      dz[p] += g;
      dz[q] += g;
      dzn[q] -= g;
    }
    cc_row[r] = acc;
    acc = 0;
    for (int i = 0; i < d; ++i) {
      const float F = hamiltonian ? (i < k ? y[i + k] : -y[i - k]) : y[i];
      const double res = double(zn[i]) - double(z[i]) - double(F);
      acc += res * res;
      const float g = float(latent_weight * 2.0 * s_lat * res);
      dzn[i] += g;
      dz[i] -= g;
      // F̄_i = −g lands on the output it came from: F_q = G_p (+), F_p = −G_q (−).
      if (!hamiltonian)
        dy[i] = -g;
      else if (i < k)
        dy[i + k] = -g;
      else
        dy[i - k] = g;
    }
    lat_row[r] = acc;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Training loop kernels.
// ---------------------------------------------------------------------------------------------------------

/// The stacked batch XX (2n, D): row i = X[rows[i]], row n + i = Xnext[rows[i]]; X, Xnext (N, D).
__global__ void gather_pairs_kernel(const float* __restrict__ X, const float* __restrict__ Xnext,
                                    const int* __restrict__ rows, int n, int D, float* __restrict__ XX) {
  const std::size_t total = std::size_t(n) * D;
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < total; i += std::size_t(gridDim.x) * blockDim.x) {
    const std::size_t src = std::size_t(rows[i / D]) * D + i % D;
    XX[i] = X[src];
    XX[total + i] = Xnext[src];
  }
}

/// One Adam step with coupled L2 on float64 master parameters from a float32 gradient (pixel/cuda.hpp):
///   g = grad + λθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − η (m/c1)/(√(v/c2) + ε);  θ_f = float(θ)
__global__ void adam_l2_kernel(double* __restrict__ theta, float* __restrict__ theta_f, const float* __restrict__ grad,
                               double* __restrict__ m, double* __restrict__ v, std::size_t n, double lr, double lambda,
                               double b1, double b2, double c1, double c2, double eps) {
  for (std::size_t k = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; k < n; k += std::size_t(gridDim.x) * blockDim.x) {
    const double g = double(grad[k]) + lambda * theta[k];
    m[k] = b1 * m[k] + (1.0 - b1) * g;
    v[k] = b2 * v[k] + (1.0 - b2) * g * g;
    const double mhat = m[k] / c1, vhat = v[k] / c2;
    theta[k] -= lr * mhat / (sqrt(vhat) + eps);
    theta_f[k] = float(theta[k]);
  }
}

/// θ_f = float(θ) (n entries): the first step's compute copy.
__global__ void round_kernel(const double* __restrict__ theta, float* __restrict__ theta_f, std::size_t n) {
  for (std::size_t k = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; k < n; k += std::size_t(gridDim.x) * blockDim.x)
    theta_f[k] = float(theta[k]);
}

// ---------------------------------------------------------------------------------------------------------
// The whole model's loss and gradient.
// ---------------------------------------------------------------------------------------------------------

void check_res_shape(const MlpShape& s, const char* what) {
  s.validate(what);
  NOETHER_REQUIRE(s.layers() >= 2, what << ": a residual MLP needs at least 2 layers, got " << s.layers());
  for (int l = 2; l < s.layers(); ++l)
    NOETHER_REQUIRE(s.widths[l] == s.widths[1],
                    what << ": residual layers need equal hidden widths, got " << s.widths[l] << " and " << s.widths[1]);
}

/// The model's shapes: residual encoder / decoder, an even latent dimension, the latent MLP's output width.
void check_shapes(const char* fn, const PixelModel& m) {
  check_res_shape(m.encoder, "cuda_pixel_loss: encoder");
  check_res_shape(m.decoder, "cuda_pixel_loss: decoder");
  m.latent.validate("cuda_pixel_loss: latent MLP");
  const int d = m.latent_dim();
  NOETHER_REQUIRE(d >= 2 && d % 2 == 0, fn << ": the latent dimension must be even and >= 2, got " << d);
  NOETHER_REQUIRE(m.decoder.in() == d && m.decoder.out() == m.input_dim() && m.latent.in() == d,
                  fn << ": encoder, decoder and latent shapes do not fit together");
  const int want_out = m.kind == HnnModelKind::Hnn ? 1 : d;
  NOETHER_REQUIRE(m.latent.out() == want_out, fn << ": the latent " << (m.kind == HnnModelKind::Hnn ? "HNN" : "baseline")
                                                 << " needs " << want_out << " outputs, got " << m.latent.out());
}

/// Everything a call checks before touching the device.
void check_args(const char* fn, const PixelModel& m, std::size_t n_params, const float* params, const float* XX, int n) {
  NOETHER_REQUIRE(params && XX, fn << ": params and XX must not be null");
  NOETHER_REQUIRE(n >= 1, fn << ": need at least one sample pair (n >= 1), got " << n);
  check_shapes(fn, m);
  NOETHER_REQUIRE(n_params == m.parameter_count(),
                  fn << ": expected " << m.parameter_count() << " parameters, got " << n_params);
}

std::size_t reduce_bytes(std::size_t count) {
  std::size_t bytes = 0;
  NOETHER_CUDA_CHECK(cub::DeviceReduce::Sum(nullptr, bytes, static_cast<double*>(nullptr),
                                            static_cast<double*>(nullptr), int(count)));
  return bytes > 0 ? bytes : 1;
}

/// Device state of one loss + gradient evaluation over batches of up to `cap` pairs.
struct PixelLossOnDevice {
  const PixelModel& m;  // outlives this object (CudaPixelLoss::Impl::m)
  int cap, D, d;
  cuda::DeviceBuffer<float> Z, Xhat, dXhat, Y, dY, dZ, dZf;
  cuda::DeviceBuffer<double> sq, cc_row, lat_row, sums;
  cuda::DeviceBuffer<unsigned char> tmp;
  cuda::Stream stream;  // after the buffers: destroyed (and drained) before them
  cuda::CublasHandle blas;
  cuda::CudaResMlp enc, dec;
  CudaMlp<float> lat;

  PixelLossOnDevice(const PixelModel& model, int max_pairs)
      : m(model),
        cap(max_pairs),
        D(model.input_dim()),
        d(model.latent_dim()),
        Z(std::size_t(2) * max_pairs * model.latent_dim()),
        Xhat(std::size_t(max_pairs) * model.input_dim()),
        dXhat(std::size_t(max_pairs) * model.input_dim()),
        Y(std::size_t(max_pairs) * model.latent_dim()),
        dY(std::size_t(max_pairs) * model.latent_dim()),
        dZ(std::size_t(2) * max_pairs * model.latent_dim()),
        dZf(std::size_t(max_pairs) * model.latent_dim()),
        sq(std::size_t(max_pairs) * model.input_dim()),
        cc_row(max_pairs),
        lat_row(max_pairs),
        sums(3),
        tmp(std::max(reduce_bytes(std::size_t(max_pairs) * model.input_dim()), reduce_bytes(std::size_t(max_pairs)))),
        blas(stream.get()),
        enc(model.encoder, 2 * max_pairs, stream.get(), blas.get()),
        dec(model.decoder, max_pairs, stream.get(), blas.get()),
        lat(model.latent, max_pairs, stream.get()) {}

  cudaStream_t s() const { return stream.get(); }
  unsigned blocks(std::size_t count) const { return cuda::elementwise_blocks(count, kThreads); }

  /// Enqueue: the three term sums into `sums` at XX (2n, D); with grad, OVERWRITE it with ∂L/∂θ.
  void run(const float* params, const float* XX, int n, float* grad) {
    NOETHER_REQUIRE(n >= 1 && n <= cap, "cuda_pixel_loss: batch must be in [1, " << cap << "], got " << n);
    const bool hnn = m.kind == HnnModelKind::Hnn;
    const float* penc = params;
    const float* pdec = params + m.decoder_offset();
    const float* plat = params + m.latent_offset();
    const std::size_t nD = std::size_t(n) * D, nd = std::size_t(n) * d;
    // Forward: Z = E([x; x′]) (2n rows), X̂ = Dec(z), field output Y.
    enc.forward(penc, XX, 2 * n, Z.get());
    dec.forward(pdec, Z.get(), n, Xhat.get());
    if (hnn)
      lat.input_gradient(plat, Z.get(), n, nullptr, Y.get());
    else
      lat.forward(plat, Z.get(), n, Y.get());
    // Terms and adjoints.
    NOETHER_LAUNCH(blocks(nD), kThreads, 0, s(), ae_term_kernel)(XX, Xhat.get(), nD, 1.0 / double(nD), sq.get(), dXhat.get());
    NOETHER_CUDA_CHECK_LAUNCH();
    NOETHER_LAUNCH(blocks(std::size_t(n)), kThreads, 0, s(), latent_terms_kernel)(hnn, Z.get(), Y.get(), n, d, kPixelLatentWeight,
                                                                      cc_row.get(), lat_row.get(), dZ.get(), dY.get());
    NOETHER_CUDA_CHECK_LAUNCH();
    std::size_t bytes = tmp.size();
    NOETHER_CUDA_CHECK(cub::DeviceReduce::Sum(tmp.get(), bytes, sq.get(), sums.get(), int(nD), s()));
    bytes = tmp.size();
    NOETHER_CUDA_CHECK(cub::DeviceReduce::Sum(tmp.get(), bytes, cc_row.get(), sums.get() + 1, n, s()));
    bytes = tmp.size();
    NOETHER_CUDA_CHECK(cub::DeviceReduce::Sum(tmp.get(), bytes, lat_row.get(), sums.get() + 2, n, s()));
    if (!grad) return;
    const std::size_t np = m.parameter_count();
    NOETHER_CUDA_CHECK(cudaMemsetAsync(grad, 0, np * sizeof(float), s()));
    // Decoder: θ̄_dec and z̄ += its share.
    dec.backward(pdec, dXhat.get(), grad + m.decoder_offset(), dZf.get());
    NOETHER_LAUNCH(blocks(nd), kThreads, 0, s(), add_kernel)(dZ.get(), dZf.get(), nd);
    NOETHER_CUDA_CHECK_LAUNCH();
    // Latent field: θ̄_lat and z̄ += its share (double backprop for the HNN).
    float* glat = grad + m.latent_offset();
    if (hnn)
      lat.input_gradient_backward(plat, dY.get(), nullptr, glat, dZf.get());
    else
      lat.backward(plat, dY.get(), glat, dZf.get());
    NOETHER_LAUNCH(blocks(nd), kThreads, 0, s(), add_kernel)(dZ.get(), dZf.get(), nd);
    NOETHER_CUDA_CHECK_LAUNCH();
    const std::size_t ob = m.latent.bias_offset(m.latent.layers());  // frozen output bias
    NOETHER_CUDA_CHECK(cudaMemsetAsync(glat + ob, 0, (m.latent.parameter_count() - ob) * sizeof(float), s()));
    // Encoder, both encodings at once.
    enc.backward(penc, dZ.get(), grad, nullptr);
  }

  /// The terms of the last run(), synchronising.
  PixelLossTerms terms(int n) {
    double h[3] = {0, 0, 0};
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(h, sums.get(), sizeof h, cudaMemcpyDeviceToHost, s()));
    NOETHER_CUDA_CHECK(cudaStreamSynchronize(s()));
    PixelLossTerms t;
    t.ae = h[0] / (double(n) * D);
    t.cc = h[1] / (double(n) * (d / 2));
    t.latent = h[2] / (double(n) * d);
    t.total = t.ae + t.cc + kPixelLatentWeight * t.latent;
    return t;
  }
};

/// The model's shapes without its parameters (the device objects keep no host copy of θ).
PixelModel shapes_of(const PixelModel& m) {
  PixelModel s;
  s.kind = m.kind;
  s.encoder = m.encoder, s.decoder = m.decoder, s.latent = m.latent;
  return s;
}

}  // namespace

struct CudaPixelLoss::Impl {
  PixelModel m;
  int cap;
  std::size_t np, nXX;
  cuda::DeviceBuffer<float> dP, dXX, dGrad;  // before dev: outlive its stream
  PixelLossOnDevice dev;

  Impl(const PixelModel& model, int max_pairs)
      : m(shapes_of(model)),
        cap(max_pairs),
        np(model.parameter_count()),
        nXX(std::size_t(2) * max_pairs * model.input_dim()),
        dP(np),
        dXX(nXX),
        dGrad(np),
        dev(m, max_pairs) {}
};

CudaPixelLoss::CudaPixelLoss(const PixelModel& m, int max_pairs) {
  check_shapes("CudaPixelLoss", m);
  NOETHER_REQUIRE(max_pairs >= 1, "CudaPixelLoss: max_pairs must be >= 1, got " << max_pairs);
  impl_ = std::make_unique<Impl>(m, max_pairs);
}

CudaPixelLoss::~CudaPixelLoss() = default;

PixelLossTerms CudaPixelLoss::evaluate(const float* params, const float* XX, int n, float* grad) {
  Impl& I = *impl_;
  check_args("CudaPixelLoss::evaluate", I.m, I.np, params, XX, n);
  NOETHER_REQUIRE(n <= I.cap, "CudaPixelLoss::evaluate: n must be <= max_pairs = " << I.cap << ", got " << n);
  const cudaStream_t s = I.dev.s();
  const std::size_t nXX = std::size_t(2) * n * I.m.input_dim();
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(I.dP.get(), params, I.np * sizeof(float), cudaMemcpyHostToDevice, s));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(I.dXX.get(), XX, nXX * sizeof(float), cudaMemcpyHostToDevice, s));
  I.dev.run(I.dP.get(), I.dXX.get(), n, grad ? I.dGrad.get() : nullptr);
  if (grad) NOETHER_CUDA_CHECK(cudaMemcpyAsync(grad, I.dGrad.get(), I.np * sizeof(float), cudaMemcpyDeviceToHost, s));
  return I.dev.terms(n);  // synchronises the stream (the gradient copy included)
}

PixelLossTerms cuda_pixel_loss(const PixelModel& m, const float* params, std::size_t n_params, const float* XX, int n,
                               float* grad) {
  check_args("cuda_pixel_loss", m, n_params, params, XX, n);
  CudaPixelLoss loss(m, n);
  return loss.evaluate(params, XX, n, grad);
}

void cuda_pixel_train(const PixelModel& m, double* params, const float* X, const float* Xnext, int N, int n,
                      const CudaPixelTrainSpec& spec, const PixelBatchSampler& sample, const PixelStepCallback& on_step) {
  const char* fn = "cuda_pixel_train";
  NOETHER_REQUIRE(params && X && Xnext, fn << ": params, X and Xnext must not be null");
  NOETHER_REQUIRE(N >= 1 && n >= 1 && n <= N, fn << ": need 1 <= n <= N, got n = " << n << ", N = " << N);
  NOETHER_REQUIRE(spec.steps >= 0, fn << ": steps must be >= 0, got " << spec.steps);
  NOETHER_REQUIRE(spec.lr > 0 && spec.weight_decay >= 0,
                  fn << ": need lr > 0 and weight_decay >= 0, got " << spec.lr << ", " << spec.weight_decay);
  NOETHER_REQUIRE(sample, fn << ": a batch sampler is required");
  check_shapes(fn, m);
  const PixelModel shapes = shapes_of(m);
  const std::size_t np = m.parameter_count();
  const int D = m.input_dim();
  const std::size_t ND = std::size_t(N) * D;
  // Buffers first: they outlive the stream owned by `dev` (declared last).
  cuda::DeviceBuffer<float> dX(ND), dXn(ND), XX(std::size_t(2) * n * D), pf(np), grad(np);
  cuda::DeviceBuffer<double> theta(np), mom(np), vel(np);
  cuda::DeviceBuffer<int> rows_dev(n);
  cuda::PinnedBuffer<int> rows_host(n);
  cuda::Event rows_free;  // the previous step's index upload has been consumed
  PixelLossOnDevice dev(shapes, n);
  const cudaStream_t s = dev.s();
  const unsigned pblocks = cuda::elementwise_blocks(np, kThreads);
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(dX.get(), X, ND * sizeof(float), cudaMemcpyHostToDevice, s));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(dXn.get(), Xnext, ND * sizeof(float), cudaMemcpyHostToDevice, s));
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(theta.get(), params, np * sizeof(double), cudaMemcpyHostToDevice, s));
  NOETHER_CUDA_CHECK(cudaMemsetAsync(mom.get(), 0, np * sizeof(double), s));
  NOETHER_CUDA_CHECK(cudaMemsetAsync(vel.get(), 0, np * sizeof(double), s));
  NOETHER_LAUNCH(pblocks, kThreads, 0, s, round_kernel)(theta.get(), pf.get(), np);
  NOETHER_CUDA_CHECK_LAUNCH();
  rows_free.record(s);
  for (int t = 1; t <= spec.steps; ++t) {
    rows_free.sync();  // the pinned indices may be overwritten once the last upload has run
    sample(t, rows_host.get());
    for (int i = 0; i < n; ++i)
      NOETHER_REQUIRE(rows_host.get()[i] >= 0 && rows_host.get()[i] < N,
                      fn << ": the sampler gave row " << rows_host.get()[i] << " outside [0, " << N << ") at step " << t);
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(rows_dev.get(), rows_host.get(), std::size_t(n) * sizeof(int),
                                       cudaMemcpyHostToDevice, s));
    rows_free.record(s);
    const std::size_t nD = std::size_t(n) * D;
    NOETHER_LAUNCH(cuda::elementwise_blocks(nD, kThreads), kThreads, 0, s, gather_pairs_kernel)(dX.get(), dXn.get(), rows_dev.get(),
                                                                                    n, D, XX.get());
    NOETHER_CUDA_CHECK_LAUNCH();
    dev.run(pf.get(), XX.get(), n, grad.get());
    const double c1 = 1.0 - std::pow(spec.beta1, double(t)), c2 = 1.0 - std::pow(spec.beta2, double(t));
    NOETHER_LAUNCH(pblocks, kThreads, 0, s, adam_l2_kernel)(theta.get(), pf.get(), grad.get(), mom.get(), vel.get(), np, spec.lr,
                                                spec.weight_decay, spec.beta1, spec.beta2, c1, c2, spec.eps);
    NOETHER_CUDA_CHECK_LAUNCH();
    const PixelLossTerms terms = dev.terms(n);  // synchronises: the batch's loss sums
    NOETHER_REQUIRE(std::isfinite(terms.total), fn << ": non-finite loss at step " << t);
    if (on_step) on_step(t, terms);
  }
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(params, theta.get(), np * sizeof(double), cudaMemcpyDeviceToHost, s));
  NOETHER_CUDA_CHECK(cudaStreamSynchronize(s));
}

}  // namespace noether
