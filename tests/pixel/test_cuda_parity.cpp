// pixel/test_cuda_parity.cpp — the GPU pixel pendulum loss and gradient (pixel/cuda.hpp) against the CPU
// float32 path (pixel/model.hpp's pixel_model_loss<float>): every loss term and every parameter-gradient
// segment (each layer's W and b of the encoder, the decoder and the latent MLP, scaled by that segment's
// largest entry, so a wrong index in a small bias segment is not hidden by a large weight segment), for the
// HNN and the baseline, latent dimension 2 and 4 (k = 2 exercises the symplectic index map); a batch of 300
// pairs (more than one block of rows); 8 steps of the device-resident trainer (pixel_train with cuda = true:
// cuda_pixel_train, Adam on the device) against the CPU trainer (same batches); sampler rows checked. Tests that need a
// device skip without one (NOETHER_REQUIRE_GPU=1 makes them fail); argument errors are checked without a
// device (a build without CUDA throws for every call).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "support/gpu_gate.hpp"
#include "noether/pixel/cuda.hpp"
#include "noether/core/error.hpp"
#include "noether/pixel/model.hpp"
#include "noether/pixel/train.hpp"

using namespace noether;

namespace {

/// A small model (input D = 40, ae width 16, latent MLP [16, 16]) with perturbed weights, so that every term
/// and both ReLU regions matter; the frozen latent output bias stays 0.
PixelModel small_model(HnnModelKind kind, int latent_dim, unsigned seed) {
  PixelModel m = init_pixel_model(kind, 40, 16, latent_dim, {16, 16}, seed);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> nd(0.0, 0.2);
  for (double& p : m.params) p += nd(rng);
  std::fill(m.params.begin() + std::ptrdiff_t(m.latent_offset() + m.latent.bias_offset(m.latent.layers())),
            m.params.end(), 0.0);
  return m;
}

/// XX (2n, D): pixel-like values in [0, 0.5].
std::vector<float> batch(int n, int D, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 0.5f);
  std::vector<float> XX(std::size_t(2) * n * D);
  for (float& x : XX) x = u(rng);
  return XX;
}

/// One gradient segment: [offset, offset + size) of the flat buffer, named for messages.
struct GradSegment {
  std::string name;
  std::size_t offset, size;
};

std::vector<GradSegment> segments(const PixelModel& m) {
  std::vector<GradSegment> out;
  const auto add = [&out](const char* part, const MlpShape& s, std::size_t base) {
    for (int l = 1; l <= s.layers(); ++l) {
      const std::size_t nw = std::size_t(s.widths[l]) * s.widths[l - 1];
      out.push_back({std::string(part) + " W" + std::to_string(l), base + s.weight_offset(l), nw});
      out.push_back({std::string(part) + " b" + std::to_string(l), base + s.bias_offset(l), std::size_t(s.widths[l])});
    }
  };
  add("encoder", m.encoder, 0);
  add("decoder", m.decoder, m.decoder_offset());
  add("latent", m.latent, m.latent_offset());
  return out;
}

bool near_rel(double a, double b, double rtol) { return std::abs(a - b) <= rtol * std::max(std::abs(b), 1e-30); }

}  // namespace

/// Worst per-segment error of a against b, each segment scaled by its largest |b| (segments with b ≡ 0 skipped).
template <typename A, typename B>
double worst_segment_error(const PixelModel& m, const std::vector<A>& a, const std::vector<B>& b) {
  double worst = 0;
  for (const GradSegment& s : segments(m)) {
    double ref = 0, err = 0;
    for (std::size_t k = s.offset; k < s.offset + s.size; ++k) {
      ref = std::max(ref, std::abs(double(b[k])));
      err = std::max(err, std::abs(double(a[k]) - double(b[k])));
    }
    if (ref > 0) worst = std::max(worst, err / ref);
  }
  return worst;
}

TEST(CudaPixelParity, TolerancesAreAboveFloat32RoundOff) {
  // No device needed: the tolerances of the GPU tests (terms 2e-5, segments 1e-4) must sit well above what
  // float32 round-off alone does to these models (CPU float32 against CPU float64), and well below an O(1)
  // error such as a wrong index.
  for (int latent_dim : {2, 4})
    for (HnnModelKind kind : {HnnModelKind::Hnn, HnnModelKind::Baseline}) {
      const PixelModel m = small_model(kind, latent_dim, 11 + latent_dim);
      const std::vector<float> pf(m.params.begin(), m.params.end());
      const std::vector<double> pd(pf.begin(), pf.end());
      const std::vector<float> XXf = batch(7, m.input_dim(), 5);
      const std::vector<double> XXd(XXf.begin(), XXf.end());
      std::vector<float> gf(pf.size());
      std::vector<double> gd(pf.size());
      PixelWorkspace<float> wf;
      PixelWorkspace<double> wd;
      const PixelLossTerms tf = pixel_model_loss<float>(m, pf.data(), XXf.data(), 7, gf.data(), wf);
      const PixelLossTerms td = pixel_model_loss<double>(m, pd.data(), XXd.data(), 7, gd.data(), wd);
      EXPECT_TRUE(near_rel(tf.total, td.total, 2e-6)) << tf.total << " vs " << td.total;
      const double e = worst_segment_error(m, gf, gd);
      EXPECT_LT(e, 1e-5) << (kind == HnnModelKind::Hnn ? "hnn" : "baseline") << " d=" << latent_dim;
      std::printf("[cuda pixel] float32 round-off, %s d=%d: worst segment gradient error %.2e\n",
                  kind == HnnModelKind::Hnn ? "hnn" : "baseline", latent_dim, e);
    }
}

TEST(CudaPixelParity, LossAndGradientMatchCpuFloat32) {
  NOETHER_NEED_GPU();
  const int n = 7;
  for (int latent_dim : {2, 4})
    for (HnnModelKind kind : {HnnModelKind::Hnn, HnnModelKind::Baseline}) {
      const char* kname = kind == HnnModelKind::Hnn ? "hnn" : "baseline";
      const PixelModel m = small_model(kind, latent_dim, 11 + latent_dim);
      const std::vector<float> p(m.params.begin(), m.params.end());
      const std::vector<float> XX = batch(n, m.input_dim(), 5);
      std::vector<float> g_cpu(p.size()), g_gpu(p.size(), 123.f);  // the GPU must overwrite every entry
      PixelWorkspace<float> ws;
      const PixelLossTerms c = pixel_model_loss<float>(m, p.data(), XX.data(), n, g_cpu.data(), ws);
      const PixelLossTerms g = cuda_pixel_loss(m, p.data(), p.size(), XX.data(), n, g_gpu.data());
      // Terms: float32 forward passes with different GEMM summation orders, sums in float64.
      const struct {
        const char* name;
        double gpu, cpu;
      } terms[] = {{"total", g.total, c.total}, {"ae", g.ae, c.ae}, {"cc", g.cc, c.cc}, {"latent", g.latent, c.latent}};
      for (const auto& t : terms)
        EXPECT_TRUE(near_rel(t.gpu, t.cpu, 2e-5)) << kname << " d=" << latent_dim << " " << t.name << ": gpu " << t.gpu
                                                  << " cpu " << t.cpu;
      EXPECT_GT(c.ae, 0.0);
      EXPECT_GT(c.cc, 0.0);
      EXPECT_GT(c.latent, 0.0);
      // Gradient, segment by segment.
      double worst = 0;
      for (const GradSegment& s : segments(m)) {
        double ref = 0, err = 0;
        for (std::size_t k = s.offset; k < s.offset + s.size; ++k) {
          ref = std::max(ref, std::abs(double(g_cpu[k])));
          err = std::max(err, std::abs(double(g_gpu[k]) - double(g_cpu[k])));
        }
        if (ref == 0) {  // only the frozen latent output bias
          EXPECT_EQ(err, 0.0) << kname << " d=" << latent_dim << " " << s.name << " must be exactly 0";
          continue;
        }
        EXPECT_LT(err / ref, 1e-4) << kname << " d=" << latent_dim << " " << s.name << ": max error " << err
                                   << ", max |ref| " << ref;
        worst = std::max(worst, err / ref);
      }
      std::printf("[cuda pixel] %s d=%d: loss %.6e vs %.6e, worst segment gradient error %.2e\n", kname, latent_dim,
                  g.total, c.total, worst);
      // Loss only (no gradient): the same terms.
      const PixelLossTerms l = cuda_pixel_loss(m, p.data(), p.size(), XX.data(), n, nullptr);
      EXPECT_DOUBLE_EQ(l.total, g.total) << kname;
    }
}

TEST(CudaPixelParity, BatchLargerThanOneBlockOfRows) {
  // n = 300 rows: the per-row loss kernel spans two blocks and the encoder runs on 600 rows.
  NOETHER_NEED_GPU();
  const int n = 300;
  const PixelModel m = small_model(HnnModelKind::Hnn, 2, 3);
  const std::vector<float> p(m.params.begin(), m.params.end());
  const std::vector<float> XX = batch(n, m.input_dim(), 9);
  std::vector<float> g_cpu(p.size()), g_gpu(p.size(), 123.f);
  PixelWorkspace<float> ws;
  const PixelLossTerms c = pixel_model_loss<float>(m, p.data(), XX.data(), n, g_cpu.data(), ws);
  const PixelLossTerms g = cuda_pixel_loss(m, p.data(), p.size(), XX.data(), n, g_gpu.data());
  EXPECT_TRUE(near_rel(g.total, c.total, 2e-5)) << g.total << " vs " << c.total;
  EXPECT_LT(worst_segment_error(m, g_gpu, g_cpu), 1e-4);
}

TEST(CudaPixelParity, TrainingStepsMatchCpuTrainer) {
  // pixel_train with cuda = true (cuda_pixel_train): the same batches, the same Adam formulas in float64 on
  // the device; the float32 gradients differ by round-off.
  NOETHER_NEED_GPU();
  PixelPendulumOptions o;
  o.trials = 10;
  o.frames = 12;
  const PixelPendulumData data = make_pixel_pendulum_data(o);
  PixelTrainOptions t;
  t.steps = 8;
  t.batch = 20;
  t.ae_hidden = 24;
  t.latent_hidden = {16, 16};
  t.seed = 4;
  for (HnnModelKind kind : {HnnModelKind::Hnn, HnnModelKind::Baseline}) {
    const PixelTrainResult cpu = train_pixel_model(kind, data, t);
    PixelTrainOptions tg = t;
    tg.cuda = true;
    const PixelTrainResult gpu = train_pixel_model(kind, data, tg);
    ASSERT_EQ(gpu.batch_loss.size(), cpu.batch_loss.size());
    for (std::size_t s = 0; s < cpu.batch_loss.size(); ++s)
      EXPECT_TRUE(near_rel(gpu.batch_loss[s], cpu.batch_loss[s], 1e-4))
          << "step " << s + 1 << ": gpu " << gpu.batch_loss[s] << " cpu " << cpu.batch_loss[s];
    // Adam's first steps are ≈ lr·sign(g): an entry whose gradient is round-off sized may step the other
    // way, so the bound per entry is 2·lr·steps; the mean difference must be far below it (on the CPU, a
    // relative 3e-6 perturbation of every gradient entry moved this run's parameters by 8e-10 on average
    // and 1.6e-8 at most after 8 steps; a wrong gradient segment moves them by ~lr).
    double worst = 0, mean = 0;
    for (std::size_t k = 0; k < cpu.model.params.size(); ++k) {
      const double e = std::abs(gpu.model.params[k] - cpu.model.params[k]);
      worst = std::max(worst, e);
      mean += e / double(cpu.model.params.size());
    }
    EXPECT_LE(worst, 2 * t.lr * t.steps + 1e-9);
    EXPECT_LT(mean, 1e-3 * t.lr);
    std::printf("[cuda pixel] %s, %d training steps: parameter max diff %.2e, mean %.2e\n",
                kind == HnnModelKind::Hnn ? "hnn" : "baseline", t.steps, worst, mean);
  }
}

TEST(CudaPixelParity, TrainingRejectsSamplerRowsOutsideTheData) {
  NOETHER_NEED_GPU();
  const PixelModel m = small_model(HnnModelKind::Hnn, 2, 1);
  std::vector<double> p(m.params);
  const std::vector<float> XX = batch(4, m.input_dim(), 1);  // X = rows 0…3, Xnext = rows 4…7: N = 4 pairs
  CudaPixelTrainSpec spec;
  spec.steps = 3;
  const auto bad = [](int step, int* rows) { rows[0] = step == 2 ? 4 : 0, rows[1] = 1; };
  try {
    cuda_pixel_train(m, p.data(), XX.data(), XX.data() + 4 * std::size_t(m.input_dim()), 4, 2, spec, bad);
    ADD_FAILURE() << "no error for a sampler row outside [0, 4)";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("row 4 outside [0, 4) at step 2"), std::string::npos) << e.what();
  }
}

TEST(CudaPixelParity, BadArgumentsAreErrors) {
  // No device needed: the arguments are checked before any device work (a build without CUDA throws for
  // every call, naming the missing backend).
  const PixelModel m = small_model(HnnModelKind::Hnn, 2, 1);
  const std::vector<float> p(m.params.begin(), m.params.end());
  const std::vector<float> XX = batch(2, m.input_dim(), 1);
  const auto expect_error = [](const std::function<void()>& f, const std::string& fragment) {
    try {
      f();
      ADD_FAILURE() << "no error; expected one naming '" << fragment << "'";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_TRUE(what.find(fragment) != std::string::npos || what.find("not built") != std::string::npos) << what;
    }
  };
  expect_error([&] { cuda_pixel_loss(m, p.data(), p.size() - 1, XX.data(), 2, nullptr); }, "parameters");
  expect_error([&] { cuda_pixel_loss(m, p.data(), p.size(), XX.data(), 0, nullptr); }, "n >= 1");
  expect_error([&] { cuda_pixel_loss(m, p.data(), p.size(), nullptr, 2, nullptr); }, "must not be null");
  PixelModel wrong = m;
  wrong.kind = HnnModelKind::Baseline;  // a scalar latent MLP cannot be the baseline's field
  expect_error([&] { cuda_pixel_loss(wrong, p.data(), p.size(), XX.data(), 2, nullptr); }, "outputs");
  PixelModel uneven = m;
  uneven.encoder.widths[2] = 17;  // residual layers need equal widths
  expect_error([&] { cuda_pixel_loss(uneven, p.data(), uneven.parameter_count(), XX.data(), 2, nullptr); },
               "equal hidden widths");
  expect_error([&] { CudaPixelLoss(m, 0); }, "max_pairs must be >= 1");
  std::vector<double> pd(m.params);
  const auto rows0 = [](int, int* rows) { rows[0] = 0; };
  CudaPixelTrainSpec spec;
  spec.steps = 1;
  expect_error([&] { cuda_pixel_train(m, pd.data(), XX.data(), XX.data(), 2, 3, spec, rows0); }, "n <= N");
  expect_error([&] { cuda_pixel_train(m, pd.data(), XX.data(), XX.data(), 2, 1, spec, nullptr); }, "sampler is required");
  spec.lr = 0;
  expect_error([&] { cuda_pixel_train(m, pd.data(), XX.data(), XX.data(), 2, 1, spec, rows0); }, "lr > 0");
  if (!cuda_device_available()) {  // the trainer's GPU path without a device: an error, not a CPU fallback
    PixelPendulumOptions o;
    o.trials = 5;
    o.frames = 4;
    PixelTrainOptions t;
    t.steps = 1;
    t.batch = 2;
    t.ae_hidden = 8;
    t.latent_hidden = {8};
    t.cuda = true;
    const PixelPendulumData data = make_pixel_pendulum_data(o);
    expect_error([&] { train_pixel_model(HnnModelKind::Hnn, data, t); }, "CUDA error");
  }
}
