// run_hnn.cpp — the HNN experiment of `noether run` (run_hnn.hpp): for every seed, the task's data set
// (synthetic tasks: generated with that seed; real pendulum: the one recording), an HNN and the MLP baseline
// trained with that seed, their final train / test losses and energy MSE (hnn.hpp); then
//   DIR/metrics.json  {"task", "config", "seeds", "models": {"hnn"|"baseline": {"train_loss"|"test_loss"|
//                     "energy_mse": {"mean", "stderr", "per_seed"}, "seconds"}}, "published": {…}}
//   DIR/summary.md    the same as a table beside the published row, and the HNN / baseline energy-MSE ratio.
// std error = sample standard deviation (n − 1) / √n over the seeds (0 for a single seed).
#include "run_hnn.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "hnn_run_config.hpp"
#include "json_config.hpp"
#include "noether/json_file.hpp"

namespace noether {

namespace {

using cfg::json;
namespace fs = std::filesystem;

/// The reference code's README numbers (/work/shared/papers/README.md): test loss and energy MSE.
struct Published {
  double test_baseline, test_hnn, energy_baseline, energy_hnn;
};

Published published_numbers(HnnRunTask t) {
  switch (t) {
    case HnnRunTask::MassSpring: return {3.67e-2, 3.59e-2, 1.71e-1, 3.84e-4};
    case HnnRunTask::Pendulum: return {3.53e-2, 3.56e-2, 4.15e-2, 2.49e-2};
    case HnnRunTask::RealPendulum: return {2.19e-3, 5.96e-3, 3.86e-1, 1.45e-2};
  }
  return {};
}

struct Stat {
  double mean = 0, stderr_ = 0;
};

Stat stat(const std::vector<double>& v) {
  Stat s;
  for (double x : v) s.mean += x / double(v.size());
  if (v.size() < 2) return s;
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.stderr_ = std::sqrt(ss / double(v.size() - 1)) / std::sqrt(double(v.size()));
  return s;
}

struct ModelRuns {
  std::vector<double> train_loss, test_loss, energy_mse;
  double seconds = 0;  ///< training + energy MSE, all seeds
};

json stat_json(const std::vector<double>& v) {
  const Stat s = stat(v);
  return {{"mean", s.mean}, {"stderr", s.stderr_}, {"per_seed", v}};
}

json model_json(const ModelRuns& r) {
  return {{"train_loss", stat_json(r.train_loss)}, {"test_loss", stat_json(r.test_loss)},
          {"energy_mse", stat_json(r.energy_mse)}, {"seconds", r.seconds}};
}

std::string fmt(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3e", x);
  return b;
}

std::string secs(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", x);
  return b;
}

std::string pm(const std::vector<double>& v) {
  const Stat s = stat(v);
  return fmt(s.mean) + " ± " + fmt(s.stderr_);
}

HnnTask synthetic_task(HnnRunTask t) { return t == HnnRunTask::Pendulum ? HnnTask::Pendulum : HnnTask::MassSpring; }

/// Energy MSE of a trained model on the seed's data: synthetic tasks along the test trajectories with the
/// true H; the real pendulum along the recorded test rows with H = 2.4(1 − cos q) + p² (reference analysis).
double energy_mse(const HnnRunConfig& c, const HnnModel& m, const HnnDataset& d) {
  if (c.task == HnnRunTask::RealPendulum) {
    const auto H = [](const double* x) { return 2.4 * (1 - std::cos(x[0])) + x[1] * x[1]; };
    return hnn_trajectory_energy_mse(m, d.x_test(), d.row_times.data() + d.n_train, d.n_test, H);
  }
  const HnnTask task = synthetic_task(c.task);
  return hnn_energy_mse(m, d, [task](const double* x) { return hnn_task_energy(task, x); });
}

std::string summary_md(const HnnRunConfig& c, const std::string& config, const ModelRuns& hnn,
                       const ModelRuns& base, const Published& p) {
  std::ostringstream md;
  md << "# noether run: " << fs::path(config).filename().string() << "\n\n"
     << "Task `" << c.task_name << "` (paper 004, Greydanus et al.): " << c.seeds.size() << " seed(s) [";
  for (std::size_t i = 0; i < c.seeds.size(); ++i) md << (i ? ", " : "") << c.seeds[i];
  md << "], hidden [";
  for (std::size_t i = 0; i < c.train.hidden.size(); ++i) md << (i ? ", " : "") << c.train.hidden[i];
  md << "] tanh, " << c.train.steps << " full-batch Adam steps, lr " << c.train.lr << ", weight decay "
     << c.train.weight_decay << (c.task == HnnRunTask::RealPendulum ? ", data " + c.data_path : std::string()) << ".\n\n"
     << "Ours: mean ± std error over the seeds. Published: the reference code's README (mean over 5 runs).\n\n"
     << "| model | train loss | test loss | test loss (published) | energy MSE | energy MSE (published) | seconds |\n"
     << "|---|---:|---:|---:|---:|---:|---:|\n"
     << "| baseline | " << pm(base.train_loss) << " | " << pm(base.test_loss) << " | " << fmt(p.test_baseline) << " | "
     << pm(base.energy_mse) << " | " << fmt(p.energy_baseline) << " | " << secs(base.seconds) << " |\n"
     << "| HNN | " << pm(hnn.train_loss) << " | " << pm(hnn.test_loss) << " | " << fmt(p.test_hnn) << " | "
     << pm(hnn.energy_mse) << " | " << fmt(p.energy_hnn) << " | " << secs(hnn.seconds) << " |\n\n";
  const double ours = stat(hnn.energy_mse).mean / stat(base.energy_mse).mean;
  md << "Energy MSE ratio HNN / baseline (means): **" << fmt(ours) << "** (published " << fmt(p.energy_hnn / p.energy_baseline)
     << ").\n";
  return md.str();
}

}  // namespace

int run_hnn_experiment(const std::string& config, const std::string& out_dir, bool quiet) {
  const HnnRunConfig c = load_hnn_run_config(config);  // every config error before any work
  const fs::path dir(out_dir);
  fs::create_directories(dir);
  auto say = [&](const std::string& s) {
    if (!quiet) std::printf("%s\n", s.c_str()), std::fflush(stdout);
  };
  ModelRuns hnn, base;
  for (std::size_t i = 0; i < c.seeds.size(); ++i) {
    const std::uint64_t seed = c.seeds[i];
    HnnDataset synthetic;
    if (c.task != HnnRunTask::RealPendulum) {
      HnnTaskOptions to;
      to.seed = seed;
      synthetic = make_hnn_task_data(synthetic_task(c.task), to);
    }
    const HnnDataset& d = c.task == HnnRunTask::RealPendulum ? c.real_data : synthetic;
    HnnTrainOptions o = c.train;
    o.seed = seed;
    for (HnnModelKind kind : {HnnModelKind::Baseline, HnnModelKind::Hnn}) {
      ModelRuns& r = kind == HnnModelKind::Hnn ? hnn : base;
      const auto t0 = std::chrono::steady_clock::now();
      const HnnTrainResult tr = train_hnn_model(kind, d, o);
      const double e = energy_mse(c, tr.model, d);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      r.train_loss.push_back(tr.train_loss);
      r.test_loss.push_back(tr.test_loss);
      r.energy_mse.push_back(e);
      r.seconds += seconds;
      say("seed " + std::to_string(seed) + " (" + std::to_string(i + 1) + "/" + std::to_string(c.seeds.size()) + ") " +
          (kind == HnnModelKind::Hnn ? "hnn" : "baseline") + ": train loss " + fmt(tr.train_loss) + ", test loss " +
          fmt(tr.test_loss) + ", energy MSE " + fmt(e) + " (" + secs(seconds) + " s)");
    }
  }
  const Published p = published_numbers(c.task);
  json seeds = json::array();
  for (std::uint64_t s : c.seeds) seeds.push_back(s);
  json hidden = c.train.hidden;
  const json metrics = {
      {"task", c.task_name},
      {"config", config},
      {"seeds", seeds},
      {"training", {{"steps", c.train.steps}, {"hidden", hidden}, {"activation", "tanh"}, {"lr", c.train.lr},
                    {"weight_decay", c.train.weight_decay}, {"threads", c.train.threads}}},
      {"models", {{"hnn", model_json(hnn)}, {"baseline", model_json(base)}}},
      {"published",
       {{"source", "HNN reference code README (/work/shared/papers/README.md), mean over 5 runs"},
        {"hnn", {{"test_loss", p.test_hnn}, {"energy_mse", p.energy_hnn}}},
        {"baseline", {{"test_loss", p.test_baseline}, {"energy_mse", p.energy_baseline}}}}}};
  json m = metrics;
  if (c.task == HnnRunTask::RealPendulum) m["data"] = c.data_path;
  write_text_file_atomic((dir / "metrics.json").string(), m.dump(2) + "\n");
  write_text_file_atomic((dir / "summary.md").string(), summary_md(c, config, hnn, base, p));
  say("wrote " + (dir / "metrics.json").string() + " and " + (dir / "summary.md").string());
  return 0;
}

}  // namespace noether
