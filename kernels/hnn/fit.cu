// hnn/fit.cu — hnn/cuda.hpp: the HNN / baseline loss, its θ-gradient and a device-resident Adam training
// loop, float64, on CudaMlp (cuBLAS GEMMs) plus three element-wise kernels (symplectic residual, row
// gather, Adam). The formulas are those of hnn/model.hpp / nn/adam.hpp, restated in hnn/cuda.hpp.
#include <cuda_runtime.h>

#include <cmath>
#include <cub/device/device_reduce.cuh>
#include <memory>
#include <vector>

#include "core/cuda_check.cuh"
#include "core/device_util.cuh"
#include "noether/physics/cuda.hpp"
#include "noether/hnn/cuda.hpp"
#include "noether/nn/cuda.hpp"
#include "noether/core/error.hpp"

namespace noether {
namespace {

constexpr int kThreads = 256;

/// The residual of one batch: for row r and component c of a state x = (q, p) ∈ R^{2k}
///   HNN:      F_q = G_p, F_p = −G_q (G = ∇_x H, (n, 2k));   baseline: F = G (the MLP output)
///   e = F − Y,  sq = e²,  dF = 2 e / (n · 2k)
///   HNN:      dG_p = dF_q, dG_q = −dF_p;                     baseline: dG = dF
/// G (n, dim), Y (n, dim) → sq (n, dim), dG (n, dim).
__global__ void hnn_residual_kernel(bool hamiltonian, const double* __restrict__ G, const double* __restrict__ Y,
                                    int n, int dim, double scale2, double* __restrict__ sq, double* __restrict__ dG) {
  const int k = dim / 2;
  const std::size_t total = std::size_t(n) * dim;
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < total;
       i += std::size_t(gridDim.x) * blockDim.x) {
    const std::size_t row = i / dim;
    const int c = int(i % dim);
    const double* g = G + row * dim;
    double F = g[c];
    if (hamiltonian) F = c < k ? g[k + c] : -g[c - k];
    const double e = F - Y[i];
    sq[i] = e * e;
    const double dF = scale2 * e;
    if (hamiltonian) {
      // dF of component c lands on the G component it came from: F_q ← G_p (+), F_p ← G_q (−).
      if (c < k)
        dG[row * dim + k + c] = dF;
      else
        dG[row * dim + (c - k)] = -dF;
    } else {
      dG[i] = dF;
    }
  }
}

/// Gather rows: Xb (b, dim) = X[rows], Yb likewise.
__global__ void gather_rows_kernel(const double* __restrict__ X, const double* __restrict__ Y,
                                   const int* __restrict__ rows, int b, int dim, double* __restrict__ Xb,
                                   double* __restrict__ Yb) {
  const std::size_t total = std::size_t(b) * dim;
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < total;
       i += std::size_t(gridDim.x) * blockDim.x) {
    const std::size_t src = std::size_t(rows[i / dim]) * dim + i % dim;
    Xb[i] = X[src];
    Yb[i] = Y[src];
  }
}

/// One Adam step with coupled L2 (nn/adam.hpp, WeightDecay::L2, no clipping), c1 = 1 − β₁ᵗ, c2 = 1 − β₂ᵗ:
///   g = grad + λθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − η (m/c1)/(√(v/c2) + ε)
__global__ void adam_l2_kernel(double* __restrict__ theta, const double* __restrict__ grad, double* __restrict__ m,
                               double* __restrict__ v, std::size_t n, double lr, double lambda, double b1, double b2,
                               double c1, double c2, double eps) {
  for (std::size_t k = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; k < n;
       k += std::size_t(gridDim.x) * blockDim.x) {
    const double g = grad[k] + lambda * theta[k];
    m[k] = b1 * m[k] + (1.0 - b1) * g;
    v[k] = b2 * v[k] + (1.0 - b2) * g * g;
    const double mhat = m[k] / c1, vhat = v[k] / c2;
    theta[k] -= lr * mhat / (sqrt(vhat) + eps);
  }
}

/// Device state of one loss + gradient evaluation over batches of up to `cap` rows.
struct HnnLossOnDevice {
  bool hamiltonian;
  MlpShape shape;
  int cap, dim;
  std::size_t np;
  cuda::DeviceBuffer<double> G, dG, sq, loss;
  cuda::DeviceBuffer<unsigned char> reduce_tmp;
  std::size_t reduce_bytes = 0;
  CudaMlp<double> mlp;  // owns the stream all work goes to

  static std::size_t reduce_size(int cap, int dim) {
    std::size_t bytes = 0;
    NOETHER_CUDA_CHECK(cub::DeviceReduce::Sum(nullptr, bytes, static_cast<double*>(nullptr),
                                              static_cast<double*>(nullptr), cap * dim));
    return bytes > 0 ? bytes : 1;
  }

  HnnLossOnDevice(bool h, const MlpShape& s, int max_rows)
      : hamiltonian(h),
        shape(s),
        cap(max_rows),
        dim(s.in()),
        np(s.parameter_count()),
        G(std::size_t(max_rows) * s.in()),
        dG(std::size_t(max_rows) * s.in()),
        sq(std::size_t(max_rows) * s.in()),
        loss(1),
        reduce_tmp(reduce_size(max_rows, s.in())),
        reduce_bytes(reduce_tmp.size()),
        mlp(s, max_rows) {}

  cudaStream_t stream() const { return static_cast<cudaStream_t>(mlp.stream()); }

  /// Enqueue: loss (device scalar, this->loss) at X, Y (n, dim); with dparams, OVERWRITE it with ∂L/∂θ.
  void run(const double* params, const double* X, const double* Y, int n, double* dparams) {
    const cudaStream_t s = stream();
    if (hamiltonian)
      mlp.input_gradient(params, X, n, nullptr, G.get());
    else
      mlp.forward(params, X, n, G.get());
    const std::size_t nd = std::size_t(n) * dim;
    NOETHER_LAUNCH(cuda::elementwise_blocks(nd, kThreads), kThreads, 0, s, hnn_residual_kernel)(
        hamiltonian, G.get(), Y, n, dim, 2.0 / double(nd), sq.get(), dG.get());
    NOETHER_CUDA_CHECK_LAUNCH();
    std::size_t bytes = reduce_bytes;
    NOETHER_CUDA_CHECK(cub::DeviceReduce::Sum(reduce_tmp.get(), bytes, sq.get(), loss.get(), int(nd), s));
    if (!dparams) return;
    NOETHER_CUDA_CHECK(cudaMemsetAsync(dparams, 0, np * sizeof(double), s));
    if (hamiltonian)
      mlp.input_gradient_backward(params, dG.get(), nullptr, dparams, nullptr);
    else
      mlp.backward(params, dG.get(), dparams, nullptr);
    const std::size_t ob = shape.bias_offset(shape.layers());  // frozen output bias
    NOETHER_CUDA_CHECK(cudaMemsetAsync(dparams + ob, 0, (np - ob) * sizeof(double), s));
  }

  /// The loss of the last run(), synchronising: Σ e² / (n · dim).
  double loss_value(int n) {
    double sum = 0;
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(&sum, loss.get(), sizeof(double), cudaMemcpyDeviceToHost, stream()));
    NOETHER_CUDA_CHECK(cudaStreamSynchronize(stream()));
    return sum / double(std::size_t(n) * dim);
  }
};

std::unique_ptr<cuda::DeviceBuffer<double>> upload(const double* h, std::size_t n, cudaStream_t s) {
  auto d = std::make_unique<cuda::DeviceBuffer<double>>(n);
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d->get(), h, n * sizeof(double), cudaMemcpyHostToDevice, s));
  return d;
}

}  // namespace

double cuda_hnn_loss(bool hamiltonian, const MlpShape& shape, const double* params, std::size_t n_params,
                     const double* X, const double* Y, int n, double* grad) {
  check_hnn_args("cuda_hnn_loss", hamiltonian, shape, n_params, params, X, Y, n);
  NOETHER_REQUIRE(cuda_device_available(), "cuda_hnn_loss: no CUDA device is usable: " << cuda_device_description());
  HnnLossOnDevice dev(hamiltonian, shape, n);
  const cudaStream_t s = dev.stream();
  const std::size_t nd = std::size_t(n) * shape.in();
  auto dP = upload(params, n_params, s), dX = upload(X, nd, s), dY = upload(Y, nd, s);
  cuda::DeviceBuffer<double> dGrad(grad ? n_params : 0);
  dev.run(dP->get(), dX->get(), dY->get(), n, grad ? dGrad.get() : nullptr);
  if (grad)
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(grad, dGrad.get(), n_params * sizeof(double), cudaMemcpyDeviceToHost, s));
  return dev.loss_value(n);  // synchronises the stream (the gradient copy included)
}

void cuda_hnn_train(bool hamiltonian, const MlpShape& shape, double* params, std::size_t n_params, const double* X,
                    const double* Y, int n, const CudaHnnTrainSpec& spec, const HnnBatchSampler& sample) {
  check_hnn_args("cuda_hnn_train", hamiltonian, shape, n_params, params, X, Y, n);
  NOETHER_REQUIRE(spec.steps >= 0, "cuda_hnn_train: steps must be >= 0, got " << spec.steps);
  NOETHER_REQUIRE(spec.lr > 0 && spec.weight_decay >= 0,
                  "cuda_hnn_train: need lr > 0 and weight_decay >= 0, got " << spec.lr << ", " << spec.weight_decay);
  NOETHER_REQUIRE(spec.batch_size >= 0 && spec.batch_size <= n,
                  "cuda_hnn_train: batch_size must be in [0, " << n << "], got " << spec.batch_size);
  const bool minibatch = spec.batch_size > 0 && spec.batch_size < n;
  NOETHER_REQUIRE(!minibatch || sample, "cuda_hnn_train: a batch_size below n needs a batch sampler");
  NOETHER_REQUIRE(cuda_device_available(), "cuda_hnn_train: no CUDA device is usable: " << cuda_device_description());
  const int b = minibatch ? spec.batch_size : n;
  const int dim = shape.in();
  HnnLossOnDevice dev(hamiltonian, shape, b);
  const cudaStream_t s = dev.stream();
  const std::size_t nd = std::size_t(n) * dim;
  auto dP = upload(params, n_params, s), dX = upload(X, nd, s), dY = upload(Y, nd, s);
  cuda::DeviceBuffer<double> grad(n_params), m(n_params), v(n_params);
  NOETHER_CUDA_CHECK(cudaMemsetAsync(m.get(), 0, n_params * sizeof(double), s));
  NOETHER_CUDA_CHECK(cudaMemsetAsync(v.get(), 0, n_params * sizeof(double), s));
  cuda::DeviceBuffer<double> Xb(minibatch ? std::size_t(b) * dim : 0), Yb(minibatch ? std::size_t(b) * dim : 0);
  cuda::DeviceBuffer<int> rows_dev(minibatch ? b : 0);
  cuda::PinnedBuffer<int> rows_host(minibatch ? b : 0);
  cuda::Event rows_free;  // the previous step's index upload has been consumed
  rows_free.record(s);
  for (long t = 1; t <= spec.steps; ++t) {
    const double* Xs = dX->get();
    const double* Ys = dY->get();
    if (minibatch) {
      rows_free.sync();  // the pinned indices may be overwritten once the last copy has run
      sample(t - 1, rows_host.get());
      for (int i = 0; i < b; ++i)
        NOETHER_REQUIRE(rows_host.get()[i] >= 0 && rows_host.get()[i] < n,
                        "cuda_hnn_train: the sampler gave row " << rows_host.get()[i] << " outside [0, " << n << ")");
      NOETHER_CUDA_CHECK(cudaMemcpyAsync(rows_dev.get(), rows_host.get(), std::size_t(b) * sizeof(int),
                                         cudaMemcpyHostToDevice, s));
      rows_free.record(s);
      const std::size_t bd = std::size_t(b) * dim;
      NOETHER_LAUNCH(cuda::elementwise_blocks(bd, kThreads), kThreads, 0, s, gather_rows_kernel)(dX->get(), dY->get(),
                                                                                     rows_dev.get(), b, dim, Xb.get(),
                                                                                     Yb.get());
      NOETHER_CUDA_CHECK_LAUNCH();
      Xs = Xb.get(), Ys = Yb.get();
    }
    dev.run(dP->get(), Xs, Ys, b, grad.get());
    const double c1 = 1.0 - std::pow(spec.beta1, double(t)), c2 = 1.0 - std::pow(spec.beta2, double(t));
    NOETHER_LAUNCH(cuda::elementwise_blocks(n_params, kThreads), kThreads, 0, s, adam_l2_kernel)(
        dP->get(), grad.get(), m.get(), v.get(), n_params, spec.lr, spec.weight_decay, spec.beta1, spec.beta2, c1, c2,
        spec.eps);
    NOETHER_CUDA_CHECK_LAUNCH();
    if (spec.on_progress && (t == spec.steps || (spec.progress_every > 0 && t % spec.progress_every == 0)))
      spec.on_progress(int(t), dev.loss_value(b));  // loss_value synchronises
  }
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(params, dP->get(), n_params * sizeof(double), cudaMemcpyDeviceToHost, s));
  NOETHER_CUDA_CHECK(cudaStreamSynchronize(s));
}

}  // namespace noether
