// pixel/train.cpp — the pixel pendulum trainer (pixel/train.hpp): minibatches of distinct samples by a
// partial Fisher–Yates shuffle, float32 loss and gradient, float64 Adam with coupled L2 — on the CPU, or
// (PixelTrainOptions::cuda) as pixel/cuda.hpp's device-resident loop with the same draws.
#include <chrono>
#include <cmath>
#include <numeric>

#include "nn/eigen_threads.hpp"
#include "noether/nn/adam.hpp"
#include "noether/pixel/cuda.hpp"
#include "noether/core/rng.hpp"
#include "noether/core/error.hpp"
#include "noether/pixel/train.hpp"

namespace noether {

std::vector<float> pixel_params_f32(const PixelModel& m) { return std::vector<float>(m.params.begin(), m.params.end()); }

PixelLossTerms pixel_dataset_loss(const PixelModel& m, const std::vector<float>& params, const PixelPendulumData& data,
                                  int first, int count, int chunk) {
  NOETHER_REQUIRE(count >= 1 && chunk >= 1, "pixel loss: need count >= 1 and chunk >= 1");
  NOETHER_REQUIRE(m.input_dim() == data.input_dim(),
                  "pixel loss: model input width " << m.input_dim() << " != data input width " << data.input_dim());
  const int D = data.input_dim();
  PixelWorkspace<float> ws;
  std::vector<float> XX(std::size_t(2) * chunk * D);
  std::vector<int> idx(static_cast<std::size_t>(chunk), 0);
  PixelLossTerms sum;
  for (int s = first; s < first + count; s += chunk) {
    const int n = std::min(chunk, first + count - s);
    std::iota(idx.begin(), idx.begin() + n, s);
    data.gather(idx.data(), n, XX.data(), XX.data() + std::size_t(n) * D);
    const PixelLossTerms t = pixel_model_loss<float>(m, params.data(), XX.data(), n, nullptr, ws);
    sum.total += t.total * n;
    sum.ae += t.ae * n;
    sum.cc += t.cc * n;
    sum.latent += t.latent * n;
  }
  sum.total /= count;
  sum.ae /= count;
  sum.cc /= count;
  sum.latent /= count;
  return sum;
}

PixelTrainResult train_pixel_model(HnnModelKind kind, const PixelPendulumData& data, const PixelTrainOptions& o) {
  NOETHER_REQUIRE(o.steps >= 0, "pixel training: steps must be >= 0, got " << o.steps);
  NOETHER_REQUIRE(o.batch >= 1 && o.batch <= data.n_train(),
                  "pixel training: batch must be in [1, " << data.n_train() << "] (the training samples), got " << o.batch);
  NOETHER_REQUIRE(o.lr > 0 && o.weight_decay >= 0, "pixel training: need lr > 0 and weight_decay >= 0");
  NOETHER_REQUIRE(o.threads >= 0, "pixel training: threads must be >= 0, got " << o.threads);
  const EigenThreads threads(o.threads);
  const auto t0 = std::chrono::steady_clock::now();
  PixelTrainResult res;
  res.model = init_pixel_model(kind, data.input_dim(), o.ae_hidden, o.latent_dim, o.latent_hidden, o.seed);
  AdamOptions ao;
  ao.weight_decay = o.weight_decay;
  ao.decay_mode = WeightDecay::L2;  // PyTorch Adam(weight_decay): coupled, as the reference
  ao.schedule.lr = o.lr;
  const std::size_t np = res.model.params.size();
  const int D = data.input_dim(), n = o.batch;
  std::vector<int> pool(std::size_t(data.n_train()));
  std::iota(pool.begin(), pool.end(), data.first_train());
  SplitMix64 rng{o.seed ^ 0xba7c4e5ull};
  /// The samples of the next step: a partial Fisher–Yates draw, pool[0…n) = n distinct uniform samples.
  const auto draw = [&] { partial_shuffle(pool, std::size_t(n), rng); };
  res.batch_loss.reserve(std::size_t(o.steps));
  if (o.cuda) {
    // The device-resident loop (pixel/cuda.hpp): every training pair uploaded once, the same draws as below
    // (indices relative to the first training sample), Adam (coupled L2, float64) on the device.
    const int N = data.n_train();
    std::vector<int> all(static_cast<std::size_t>(N));
    std::iota(all.begin(), all.end(), data.first_train());
    std::vector<float> X(std::size_t(N) * D), Xnext(std::size_t(N) * D);
    data.gather(all.data(), N, X.data(), Xnext.data());
    CudaPixelTrainSpec spec;
    spec.steps = o.steps;
    spec.lr = ao.schedule.lr;
    spec.weight_decay = ao.weight_decay;
    spec.beta1 = ao.beta1, spec.beta2 = ao.beta2, spec.eps = ao.eps;
    cuda_pixel_train(
        res.model, res.model.params.data(), X.data(), Xnext.data(), N, n, spec,
        [&](int, int* rows) {
          draw();
          for (int i = 0; i < n; ++i) rows[i] = pool[std::size_t(i)] - data.first_train();
        },
        [&](int step, const PixelLossTerms& t) {
          res.batch_loss.push_back(t.total);
          if (o.on_step) o.on_step(step, t);
        });
  } else {
    Adam adam(np, ao);
    std::vector<float> pf(np), gf(np);
    std::vector<double> grad(np);
    std::vector<float> XX(std::size_t(2) * n * D);
    PixelWorkspace<float> ws;
    for (int step = 1; step <= o.steps; ++step) {
      draw();
      data.gather(pool.data(), n, XX.data(), XX.data() + std::size_t(n) * D);
      for (std::size_t i = 0; i < np; ++i) pf[i] = float(res.model.params[i]);
      const PixelLossTerms t = pixel_model_loss<float>(res.model, pf.data(), XX.data(), n, gf.data(), ws);
      NOETHER_REQUIRE(std::isfinite(t.total), "pixel training: non-finite loss at step " << step);
      for (std::size_t i = 0; i < np; ++i) grad[i] = gf[i];
      adam.step(res.model.params.data(), grad.data());
      res.batch_loss.push_back(t.total);
      if (o.on_step) o.on_step(step, t);
    }
  }
  const std::vector<float> final_params = pixel_params_f32(res.model);
  res.train = pixel_dataset_loss(res.model, final_params, data, data.first_train(), data.n_train());
  res.test = pixel_dataset_loss(res.model, final_params, data, 0, data.n_test());
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace noether
