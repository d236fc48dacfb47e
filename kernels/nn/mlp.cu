// nn/mlp.cu — CudaMlp and the cuda_mlp_* host functions of nn/cuda.hpp: the batched MLP on the GPU.
// Each step of nn/mlp.hpp's formulas is one cuBLAS GEMM over the whole batch (row-major, nn/cublas_util.cuh)
// or one element-wise kernel (nn/mlp_elementwise.cuh); the tape lives in one device allocation.
#include <cuda_runtime.h>

#include <cstddef>
#include <memory>
#include <vector>

#include "nn/cublas_util.cuh"
#include "core/cuda_check.cuh"
#include "core/device_util.cuh"
#include "nn/mlp_elementwise.cuh"
#include "noether/nn/cuda.hpp"
#include "noether/core/error.hpp"

namespace noether {

template <typename T>
struct CudaMlp<T>::Impl {
  enum class Kind { None, Forward, InputGradient };
  static constexpr int kThreads = 256;

  MlpShape shape;
  int cap;                               // max_batch
  cuda::DeviceBuffer<T> arena;           // every tape slot below points into it
  std::vector<T*> h, s1, s2, a, u;       // H_l, S1_l, S2_l, A_l, U_l (n, d_l); see nn/mlp.hpp
  T *t0, *t1, *t2, *ones, *fbuf;         // scratch (cap · max width), ones (cap), f stand-in (cap)
  std::unique_ptr<cuda::Stream> own;     // declared after the arena: destroyed (and drained) first
  cudaStream_t stream;
  std::unique_ptr<cuda::CublasHandle> blas;
  Kind kind = Kind::None;
  int n = 0;

  static std::size_t arena_size(const MlpShape& s, int cap) {
    std::size_t total = 0;
    for (int l = 0; l <= s.layers(); ++l) total += 5 * std::size_t(cap) * s.widths[l];
    return total + 3 * std::size_t(cap) * s.max_width() + 2 * std::size_t(cap);
  }

  Impl(const MlpShape& s, int max_batch, void* user_stream)
      : shape((s.validate("CudaMlp"), s)), cap(max_batch), arena(arena_size(s, max_batch > 0 ? max_batch : 1)) {
    NOETHER_REQUIRE(max_batch >= 1, "CudaMlp: max_batch must be >= 1, got " << max_batch);
    const int L = shape.layers();
    T* p = arena.get();
    auto take = [&](std::size_t count) {
      T* q = p;
      p += count;
      return q;
    };
    h.assign(L + 1, nullptr), s1 = s2 = a = u = h;
    for (int l = 0; l <= L; ++l) {
      const std::size_t m = std::size_t(cap) * shape.widths[l];
      h[l] = take(m), s1[l] = take(m), s2[l] = take(m), a[l] = take(m), u[l] = take(m);
    }
    const std::size_t scratch = std::size_t(cap) * shape.max_width();
    t0 = take(scratch), t1 = take(scratch), t2 = take(scratch), ones = take(cap), fbuf = take(cap);
    if (user_stream) {
      stream = static_cast<cudaStream_t>(user_stream);
    } else {
      own = std::make_unique<cuda::Stream>();
      stream = own->get();
    }
    blas = std::make_unique<cuda::CublasHandle>(stream);
    fill(ones, T(1), std::size_t(cap));
  }

  unsigned blocks(std::size_t m) const { return cuda::elementwise_blocks(m, kThreads); }
  const T* W(const T* params, int l) const { return params + shape.weight_offset(l); }
  const T* b(const T* params, int l) const { return params + shape.bias_offset(l); }
  void fill(T* p, T v, std::size_t m) {
    NOETHER_LAUNCH(blocks(m), kThreads, 0, stream, cuda::fill_kernel<T>)(p, v, m);
    NOETHER_CUDA_CHECK_LAUNCH();
  }

  void check_batch(const char* fn, int rows) const {
    NOETHER_REQUIRE(rows >= 1 && rows <= cap, fn << ": batch size must be in [1, " << cap << "] (max_batch), got " << rows);
  }
  void check_tape(const char* fn, bool need_input_gradient) const {
    NOETHER_REQUIRE(kind != Kind::None, fn << ": the tape is empty; run the forward call first");
    NOETHER_REQUIRE(!need_input_gradient || kind == Kind::InputGradient,
                    fn << ": the tape was recorded by forward(); run input_gradient() first");
  }

  /// Z_l = H_{l−1} W_lᵀ (GEMM), then + b_l and σ jets (element-wise); Y = Z_L + b_L.
  void forward_pass(const T* params, const T* X, int rows, T* Y, bool jets2) {
    const int L = shape.layers();
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(h[0], X, std::size_t(rows) * shape.in() * sizeof(T), cudaMemcpyDeviceToDevice, stream));
    for (int l = 1; l <= L; ++l) {
      const int din = shape.widths[l - 1], dout = shape.widths[l];
      const std::size_t m = std::size_t(rows) * dout;
      T* Z = l < L ? t0 : Y;
      cuda::gemm_rm<T>(blas->get(), false, true, rows, dout, din, T(1), h[l - 1], W(params, l), T(0), Z);
      if (l < L) {
        NOETHER_LAUNCH(blocks(m), kThreads, 0, stream, cuda::bias_activation_kernel<T>)(shape.activation, Z, b(params, l), dout, m,
                                                                           h[l], s1[l], jets2 ? s2[l] : nullptr);
      } else {
        NOETHER_LAUNCH(blocks(m), kThreads, 0, stream, cuda::add_bias_kernel<T>)(Z, b(params, l), dout, m);
      }
      NOETHER_CUDA_CHECK_LAUNCH();
    }
  }

  /// W̄_l += Z̄_lᵀ H_{l−1} and b̄_l += 1ᵀ Z̄_l (two GEMMs accumulating into the flat dparams).
  void accumulate_layer(int l, const T* Zbar, T* dparams) {
    const int din = shape.widths[l - 1], dout = shape.widths[l];
    cuda::gemm_rm<T>(blas->get(), true, false, dout, din, n, T(1), Zbar, h[l - 1], T(1), dparams + shape.weight_offset(l));
    cuda::gemm_rm<T>(blas->get(), false, false, 1, dout, n, T(1), ones, Zbar, T(1), dparams + shape.bias_offset(l));
  }

  void forward(const T* params, const T* X, int rows, T* Y) {
    check_batch("CudaMlp::forward", rows);
    kind = Kind::None;
    n = rows;
    forward_pass(params, X, rows, Y, false);
    kind = Kind::Forward;
  }

  /// nn/mlp.hpp "Backward": H̄_{l−1} = Z̄_l W_l, Z̄_{l−1} = S1_{l−1} ⊙ H̄_{l−1}; X̄ = H̄_0.
  void backward(const T* params, const T* dY, T* dparams, T* dX) {
    check_tape("CudaMlp::backward", false);
    const int L = shape.layers();
    const T* zbar = dY;
    T* bufs[2] = {t0, t1};
    for (int l = L; l >= 1; --l) {
      const int din = shape.widths[l - 1], dout = shape.widths[l];
      if (dparams) accumulate_layer(l, zbar, dparams);
      if (l == 1 && !dX) break;
      T* hbar = l == 1 ? dX : bufs[l & 1];
      cuda::gemm_rm<T>(blas->get(), false, false, n, din, dout, T(1), zbar, W(params, l), T(0), hbar);
      if (l > 1) {
        const std::size_t m = std::size_t(n) * din;
        NOETHER_LAUNCH(blocks(m), kThreads, 0, stream, cuda::hadamard_kernel<T>)(hbar, hbar, s1[l - 1], m);
        NOETHER_CUDA_CHECK_LAUNCH();
      }
      zbar = hbar;
    }
  }

  /// nn/mlp.hpp "Input gradient": U_L = 1, A_{l−1} = U_l W_l, U_{l−1} = S1_{l−1} ⊙ A_{l−1}; G = A_0.
  void input_gradient(const T* params, const T* X, int rows, T* f, T* G) {
    check_batch("CudaMlp::input_gradient", rows);
    NOETHER_REQUIRE(shape.out() == 1, "CudaMlp::input_gradient: the input gradient needs a scalar MLP (output width 1), "
                                      "got output width " << shape.out());
    kind = Kind::None;
    n = rows;
    const int L = shape.layers();
    forward_pass(params, X, rows, f ? f : fbuf, true);
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(u[L], ones, std::size_t(rows) * sizeof(T), cudaMemcpyDeviceToDevice, stream));
    for (int l = L; l >= 1; --l) {
      const int din = shape.widths[l - 1], dout = shape.widths[l];
      T* A = l == 1 ? G : a[l - 1];
      cuda::gemm_rm<T>(blas->get(), false, false, rows, din, dout, T(1), u[l], W(params, l), T(0), A);
      if (l > 1) {
        const std::size_t m = std::size_t(rows) * din;
        NOETHER_LAUNCH(blocks(m), kThreads, 0, stream, cuda::hadamard_kernel<T>)(u[l - 1], s1[l - 1], A, m);
        NOETHER_CUDA_CHECK_LAUNCH();
      }
    }
    kind = Kind::InputGradient;
  }

  /// nn/mlp.hpp "Double backprop": tangent sweep (Ż_l = Ḣ_{l−1} W_lᵀ; Ḣ_l, Z̃_l element-wise), then the reverse
  /// sweep W̄_l += Z̄_lᵀ H_{l−1} + U_lᵀ Ḣ_{l−1}, b̄_l += 1ᵀ Z̄_l, H̄_{l−1} = Z̄_l W_l, Z̄_{l−1} = S1 ⊙ H̄ + Z̃.
  void input_gradient_backward(const T* params, const T* dG, const T* df, T* dparams, T* dX) {
    check_tape("CudaMlp::input_gradient_backward", true);
    const int L = shape.layers();
    NOETHER_CUDA_CHECK(cudaMemcpyAsync(a[0], dG, std::size_t(n) * shape.in() * sizeof(T), cudaMemcpyDeviceToDevice, stream));
    for (int l = 1; l < L; ++l) {
      const int din = shape.widths[l - 1], dout = shape.widths[l];
      const std::size_t m = std::size_t(n) * dout;
      cuda::gemm_rm<T>(blas->get(), false, true, n, dout, din, T(1), a[l - 1], W(params, l), T(0), t0);
      NOETHER_LAUNCH(blocks(m), kThreads, 0, stream, cuda::tangent_kernel<T>)(t0, s1[l], a[l], s2[l], m);
      NOETHER_CUDA_CHECK_LAUNCH();
    }
    if (df)
      NOETHER_CUDA_CHECK(cudaMemcpyAsync(t0, df, std::size_t(n) * sizeof(T), cudaMemcpyDeviceToDevice, stream));
    else
      fill(t0, T(0), std::size_t(n));
    const T* zbar = t0;
    T* bufs[2] = {t1, t2};
    for (int l = L; l >= 1; --l) {
      const int din = shape.widths[l - 1], dout = shape.widths[l];
      if (dparams) {
        accumulate_layer(l, zbar, dparams);
        cuda::gemm_rm<T>(blas->get(), true, false, dout, din, n, T(1), u[l], a[l - 1], T(1),
                         dparams + shape.weight_offset(l));
      }
      if (l == 1 && !dX) break;
      T* hbar = l == 1 ? dX : bufs[l & 1];
      cuda::gemm_rm<T>(blas->get(), false, false, n, din, dout, T(1), zbar, W(params, l), T(0), hbar);
      if (l > 1) {
        const std::size_t m = std::size_t(n) * din;
        NOETHER_LAUNCH(blocks(m), kThreads, 0, stream, cuda::adjoint_kernel<T>)(hbar, s1[l - 1], s2[l - 1], m);
        NOETHER_CUDA_CHECK_LAUNCH();
      }
      zbar = hbar;
    }
    kind = Kind::None;  // the tangents overwrote A_l and S2_l
  }
};

template <typename T>
CudaMlp<T>::CudaMlp(const MlpShape& shape, int max_batch, void* stream)
    : impl_(std::make_unique<Impl>(shape, max_batch, stream)) {}
template <typename T>
CudaMlp<T>::~CudaMlp() = default;
template <typename T>
const MlpShape& CudaMlp<T>::shape() const { return impl_->shape; }
template <typename T>
int CudaMlp<T>::max_batch() const { return impl_->cap; }
template <typename T>
void* CudaMlp<T>::stream() const { return impl_->stream; }
template <typename T>
void CudaMlp<T>::synchronize() const { NOETHER_CUDA_CHECK(cudaStreamSynchronize(impl_->stream)); }
template <typename T>
void CudaMlp<T>::forward(const T* params, const T* X, int n, T* Y) { impl_->forward(params, X, n, Y); }
template <typename T>
void CudaMlp<T>::backward(const T* params, const T* dY, T* dparams, T* dX) { impl_->backward(params, dY, dparams, dX); }
template <typename T>
void CudaMlp<T>::input_gradient(const T* params, const T* X, int n, T* f, T* G) {
  impl_->input_gradient(params, X, n, f, G);
}
template <typename T>
void CudaMlp<T>::input_gradient_backward(const T* params, const T* dG, const T* df, T* dparams, T* dX) {
  impl_->input_gradient_backward(params, dG, df, dparams, dX);
}

// ------------------------------------------------------------------ host-pointer API

namespace {

void check_host_call(const char* fn, const MlpShape& shape, std::size_t n_params, int n, const void* params,
                     const void* X) {
  shape.validate(fn);
  NOETHER_REQUIRE(params != nullptr && X != nullptr, fn << ": params and X must not be null");
  NOETHER_REQUIRE(n_params == shape.parameter_count(), fn << ": the flat parameter buffer must hold "
                                                          << shape.parameter_count() << " values, got " << n_params);
  NOETHER_REQUIRE(n >= 1, fn << ": batch size n must be >= 1, got " << n);
}

/// A device copy of `count` host values (nullptr stays nullptr).
template <typename T>
std::unique_ptr<cuda::DeviceBuffer<T>> upload(const T* host, std::size_t count, cudaStream_t s) {
  if (!host) return nullptr;
  auto d = std::make_unique<cuda::DeviceBuffer<T>>(count);
  NOETHER_CUDA_CHECK(cudaMemcpyAsync(d->get(), host, count * sizeof(T), cudaMemcpyHostToDevice, s));
  return d;
}
template <typename T>
std::unique_ptr<cuda::DeviceBuffer<T>> device_for(const T* host, std::size_t count) {
  return host ? std::make_unique<cuda::DeviceBuffer<T>>(count) : nullptr;
}
template <typename T>
T* ptr(const std::unique_ptr<cuda::DeviceBuffer<T>>& d) {
  return d ? d->get() : nullptr;
}
template <typename T>
void download(T* host, const std::unique_ptr<cuda::DeviceBuffer<T>>& d, std::size_t count, cudaStream_t s) {
  if (host) NOETHER_CUDA_CHECK(cudaMemcpyAsync(host, d->get(), count * sizeof(T), cudaMemcpyDeviceToHost, s));
}

}  // namespace

template <typename T>
void cuda_mlp_forward(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, T* Y) {
  check_host_call("cuda_mlp_forward", shape, n_params, n, params, X);
  NOETHER_REQUIRE(Y != nullptr, "cuda_mlp_forward: Y must not be null");
  CudaMlp<T> mlp(shape, n);
  cudaStream_t s = static_cast<cudaStream_t>(mlp.stream());
  auto dP = upload(params, n_params, s), dX = upload(X, std::size_t(n) * shape.in(), s);
  auto dY = device_for(Y, std::size_t(n) * shape.out());
  mlp.forward(ptr(dP), ptr(dX), n, ptr(dY));
  download(Y, dY, std::size_t(n) * shape.out(), s);
  mlp.synchronize();
}

template <typename T>
void cuda_mlp_backward(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, const T* dY,
                       T* dparams, T* dX) {
  check_host_call("cuda_mlp_backward", shape, n_params, n, params, X);
  NOETHER_REQUIRE(dY != nullptr, "cuda_mlp_backward: dY must not be null");
  CudaMlp<T> mlp(shape, n);
  cudaStream_t s = static_cast<cudaStream_t>(mlp.stream());
  auto dP = upload(params, n_params, s), dXin = upload(X, std::size_t(n) * shape.in(), s);
  auto dYbar = upload(dY, std::size_t(n) * shape.out(), s), dPbar = upload(dparams, n_params, s);
  auto dY_fwd = std::make_unique<cuda::DeviceBuffer<T>>(std::size_t(n) * shape.out());
  auto dXbar = device_for(dX, std::size_t(n) * shape.in());
  mlp.forward(ptr(dP), ptr(dXin), n, ptr(dY_fwd));
  mlp.backward(ptr(dP), ptr(dYbar), ptr(dPbar), ptr(dXbar));
  download(dparams, dPbar, n_params, s);
  download(dX, dXbar, std::size_t(n) * shape.in(), s);
  mlp.synchronize();
}

template <typename T>
void cuda_mlp_input_gradient(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, T* f,
                             T* G) {
  check_host_call("cuda_mlp_input_gradient", shape, n_params, n, params, X);
  NOETHER_REQUIRE(G != nullptr, "cuda_mlp_input_gradient: G must not be null");
  CudaMlp<T> mlp(shape, n);
  cudaStream_t s = static_cast<cudaStream_t>(mlp.stream());
  auto dP = upload(params, n_params, s), dX = upload(X, std::size_t(n) * shape.in(), s);
  auto df = device_for(f, std::size_t(n));
  auto dG = std::make_unique<cuda::DeviceBuffer<T>>(std::size_t(n) * shape.in());
  mlp.input_gradient(ptr(dP), ptr(dX), n, ptr(df), ptr(dG));
  download(f, df, std::size_t(n), s);
  download(G, dG, std::size_t(n) * shape.in(), s);
  mlp.synchronize();
}

template <typename T>
void cuda_mlp_input_gradient_backward(const MlpShape& shape, const T* params, std::size_t n_params, const T* X,
                                      int n, const T* dG, const T* df, T* dparams, T* dX) {
  check_host_call("cuda_mlp_input_gradient_backward", shape, n_params, n, params, X);
  NOETHER_REQUIRE(dG != nullptr, "cuda_mlp_input_gradient_backward: dG must not be null");
  CudaMlp<T> mlp(shape, n);
  cudaStream_t s = static_cast<cudaStream_t>(mlp.stream());
  auto dP = upload(params, n_params, s), dXin = upload(X, std::size_t(n) * shape.in(), s);
  auto dGbar = upload(dG, std::size_t(n) * shape.in(), s), dfbar = upload(df, std::size_t(n), s);
  auto dPbar = upload(dparams, n_params, s);
  auto G = std::make_unique<cuda::DeviceBuffer<T>>(std::size_t(n) * shape.in());
  auto dXbar = device_for(dX, std::size_t(n) * shape.in());
  mlp.input_gradient(ptr(dP), ptr(dXin), n, nullptr, G->get());
  mlp.input_gradient_backward(ptr(dP), ptr(dGbar), ptr(dfbar), ptr(dPbar), ptr(dXbar));
  download(dparams, dPbar, n_params, s);
  download(dX, dXbar, std::size_t(n) * shape.in(), s);
  mlp.synchronize();
}

NOETHER_NN_CUDA_MLP(float)
NOETHER_NN_CUDA_MLP(double)

}  // namespace noether
