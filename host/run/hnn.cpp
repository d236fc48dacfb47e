// run/hnn.cpp — the HNN experiment of `noether run` (run/hnn.hpp): for every seed, the task's data set
// (synthetic tasks: generated with that seed; real pendulum: the one recording), an HNN and the MLP baseline
// trained with that seed, their final train / test losses and energy MSEs (the reference analysis protocol,
// run/hnn_task.hpp; and along the test trajectories); then
//   DIR/metrics.json       {"task", "dim", "config", "seeds", "training", "dataset", "energy_protocol",
//                           "models": {"hnn"|"baseline": {"train_loss"|"test_loss"|"energy_mse"
//                           [|"energy_mse_test_trajectories"]: {"mean", "stderr", "per_seed"}, "seconds"}},
//                           "published": {…}} (+ "data", the recording's path, relative to the working folder when inside it, for the real pendulum)
//   DIR/trajectories.npz   the first seed's analysis rollouts (run/hnn_plot_data.hpp), for scripts/plot_hnn.py
//   DIR/summary.md         the table beside the published row, the HNN / baseline energy-MSE ratio, the plots.
// std error = sample standard deviation (n − 1) / √n over the seeds (0 for a single seed).
#include "run/hnn.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "run/hnn_plot_data.hpp"
#include "run/hnn_config.hpp"
#include "run/hnn_task.hpp"
#include "noether/hnn/train.hpp"
#include "noether/io/json_config.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/io/json_file.hpp"
#include "run/plot_script.hpp"
#include "run/seed_stats.hpp"
#include "run/progress.hpp"

namespace noether {

namespace {

using cfg::json;
namespace fs = std::filesystem;

struct ModelRuns {
  std::vector<double> train_loss, test_loss, energy_mse, energy_mse_test;  ///< per seed
  double seconds = 0;  ///< training + energy MSEs, all seeds
};

json model_json(const ModelRuns& r) {
  json j = {{"train_loss", seed_stat_json(r.train_loss)}, {"test_loss", seed_stat_json(r.test_loss)},
            {"energy_mse", seed_stat_json(r.energy_mse)}, {"seconds", r.seconds}};
  if (!r.energy_mse_test.empty()) j["energy_mse_test_trajectories"] = seed_stat_json(r.energy_mse_test);
  return j;
}

/// Test trajectories used by the second energy measure: all of them for the spring and pendulum (25), the
/// first 25 test orbits for the orbit tasks (their 200 / 1000 test orbits would cost minutes per model).
constexpr int kMaxTestTrajectories = 25;

/// Energy MSE along the data set's test trajectories (hnn_energy_mse: from each clean initial state over the
/// data's own times, RK45 rtol 1e-10, atol 1e-12), over at most kMaxTestTrajectories of them.
double energy_mse_test_trajectories(const HnnModel& m, const HnnDataset& d, const HnnSystem& sys) {
  return hnn_energy_mse(m, d, sys.energy, 1e-10, 1e-12, kMaxTestTrajectories);
}

std::string summary_md(const HnnRunConfig& c, const std::string& config, const ModelRuns& hnn, const ModelRuns& base,
                       const HnnPublished& p, const std::string& protocol, const std::string& plot_note) {
  std::ostringstream md;
  md << "# noether run: " << fs::path(config).filename().string() << "\n\n"
     << "Task `" << c.task_name << "` (paper 004, Greydanus et al.): " << c.seeds.size() << " seed(s) [";
  for (std::size_t i = 0; i < c.seeds.size(); ++i) md << (i ? ", " : "") << c.seeds[i];
  md << "], hidden [";
  for (std::size_t i = 0; i < c.train.hidden.size(); ++i) md << (i ? ", " : "") << c.train.hidden[i];
  md << "] tanh, " << c.train.steps << " Adam steps ("
     << (c.train.batch_size > 0 ? "batches of " + std::to_string(c.train.batch_size) + " rows" : std::string("full batch"))
     << "), lr " << c.train.lr << ", weight decay " << c.train.weight_decay << ", trained on "
     << (c.train.cuda ? cuda_device_description() : std::string("the CPU"))
     << (c.task == HnnRunTask::RealPendulum ? ", data " + c.data_path : std::string()) << ".\n\n"
     << "Ours: mean ± std error over the seeds. Published: the reference code's README (mean over 5 runs).\n\n"
     << "| model | train loss | test loss | test loss (published) | energy MSE | energy MSE (published) |"
     << (hnn.energy_mse_test.empty() ? "" : " energy MSE, test trajectories |") << " seconds |\n"
     << "|---|---:|---:|---:|---:|---:|" << (hnn.energy_mse_test.empty() ? "" : "---:|") << "---:|\n";
  const auto row = [&](const char* name, const ModelRuns& r, double pub_test, double pub_energy) {
    md << "| " << name << " | " << fmt_mean_stderr(r.train_loss) << " | " << fmt_mean_stderr(r.test_loss) << " | " << fmt_sci(pub_test) << " | "
       << fmt_mean_stderr(r.energy_mse) << " | " << fmt_sci(pub_energy) << " | "
       << (r.energy_mse_test.empty() ? std::string() : fmt_mean_stderr(r.energy_mse_test) + " | ") << fmt_secs(r.seconds) << " |\n";
  };
  row("baseline", base, p.test_baseline, p.energy_baseline);
  row("HNN", hnn, p.test_hnn, p.energy_hnn);
  const double ours = seed_stat(hnn.energy_mse).mean / seed_stat(base.energy_mse).mean;
  md << "\nEnergy MSE ratio HNN / baseline (means): **" << fmt_sci(ours) << "** (published "
     << fmt_sci(p.energy_hnn / p.energy_baseline) << ").\n\n"
     << "Energy MSE (the reference analysis protocol): " << protocol << "; the true H along the true and the "
     << "integrated paths, mean of the squared difference.";
  if (!hnn.energy_mse_test.empty())
    md << " \"Test trajectories\": from the clean initial states of (at most " << kMaxTestTrajectories
       << ") test trajectories over their own times.";
  md << "\n\n## Plots (first seed, `trajectories.npz`)\n\n";
  if (plot_note.empty())
    md << "![phase space](phase_space.png)\n\n![energy](energy.png)\n\n![learned H](learned_H.png)\n";
  else
    md << plot_note << "\n\nExpected: `phase_space.png`, `energy.png`, `learned_H.png`.\n";
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
  const bool real = c.task == HnnRunTask::RealPendulum;
  const HnnSystem sys = hnn_run_system(c.task);
  ModelRuns hnn, base;
  std::string protocol;
  json data_json;
  struct {  // the first seed's rollouts and models, for trajectories.npz
    HnnRollouts rollouts;
    HnnModel hnn, baseline;
    HnnDataset data;  // synthetic tasks (the real pendulum's is c.real_data)
  } first;
  Progress progress(c.task_name);
  const long total_steps = long(c.seeds.size()) * 2 * c.train.steps;
  for (std::size_t i = 0; i < c.seeds.size(); ++i) {
    const std::uint64_t seed = c.seeds[i];
    const HnnDataset synthetic = real ? HnnDataset{} : hnn_run_data(c, seed);
    const HnnDataset& d = real ? c.real_data : synthetic;
    if (i == 0)
      data_json = {{"rows_train", d.n_train}, {"rows_test", d.n_test}, {"trajectories", d.trajectories},
                   {"points", d.points}};
    HnnTrainOptions o = c.train;
    o.seed = seed;
    HnnModel trained[2];  // baseline, HNN
    double seconds[2] = {0, 0};
    for (int k = 0; k < 2; ++k) {
      const HnnModelKind kind = k == 0 ? HnnModelKind::Baseline : HnnModelKind::Hnn;
      const char* name = k == 0 ? "baseline" : "hnn";
      const long before = (long(i) * 2 + k) * c.train.steps;
      o.on_step = [&, before, name](int done, double loss) {
        progress.update(before + done, total_steps,
                        "seed " + std::to_string(seed) + " " + name + " loss " + fmt_sci(loss));
      };
      const auto t0 = std::chrono::steady_clock::now();
      HnnTrainResult tr = train_hnn_model(kind, d, o);
      ModelRuns& r = k == 0 ? base : hnn;
      r.train_loss.push_back(tr.train_loss);
      r.test_loss.push_back(tr.test_loss);
      if (!real) r.energy_mse_test.push_back(energy_mse_test_trajectories(tr.model, d, sys));
      seconds[k] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      trained[k] = std::move(tr.model);
    }
    // The analysis rollouts of both models from the same initial states (real pendulum: the recorded test
    // segment from its first state, times as recorded, rtol 1e-10, atol 1e-12).
    const auto t0 = std::chrono::steady_clock::now();
    HnnRollouts ro;
    if (real) {
      const std::vector<double> times(d.row_times.begin() + d.n_train, d.row_times.end());
      ro = hnn_analysis_rollouts(sys, d.x_test(), 1, times, trained[1], trained[0], 1e-10, 1e-12, d.x_test());
      protocol = "from the first recorded test state along the recorded test times (" + std::to_string(d.n_test) +
                 " states), H = 2.4(1 - cos q) + p^2, RK45 rtol 1e-10, atol 1e-12";
    } else {
      const HnnAnalysisSetup a = hnn_analysis_setup(c, seed);
      ro = hnn_analysis_rollouts(sys, a.x0.data(), a.S, a.times, trained[1], trained[0], a.rtol, a.atol);
      protocol = a.description;
    }
    base.energy_mse.push_back(rollout_energy_mse(ro.true_energy, ro.baseline_energy));
    hnn.energy_mse.push_back(rollout_energy_mse(ro.true_energy, ro.hnn_energy));
    const double analysis = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    base.seconds += seconds[0] + 0.5 * analysis;
    hnn.seconds += seconds[1] + 0.5 * analysis;
    if (i == 0) {  // written with metrics.json after the last seed: a run that fails leaves no partial output
      first.rollouts = std::move(ro);
      first.hnn = trained[1];
      first.baseline = trained[0];
      if (!real) first.data = synthetic;
    }
    for (int k = 0; k < 2; ++k) {
      const ModelRuns& r = k == 0 ? base : hnn;
      say("seed " + std::to_string(seed) + " (" + std::to_string(i + 1) + "/" + std::to_string(c.seeds.size()) + ") " +
          (k == 0 ? "baseline" : "hnn") + ": train loss " + fmt_sci(r.train_loss.back()) + ", test loss " +
          fmt_sci(r.test_loss.back()) + ", energy MSE " + fmt_sci(r.energy_mse.back()) +
          (real ? std::string() : " (test trajectories " + fmt_sci(r.energy_mse_test.back()) + ")") + " (" +
          fmt_secs(seconds[k] + 0.5 * analysis) + " s)");
    }
  }
  const HnnPublished p = hnn_published(c.task);
  json seeds = json::array();
  for (std::uint64_t s : c.seeds) seeds.push_back(s);
  json hidden = c.train.hidden;
  json m = {
      {"task", c.task_name},
      {"dim", sys.dim},
      {"config", config},
      {"seeds", seeds},
      {"training", {{"steps", c.train.steps}, {"batch_size", c.train.batch_size}, {"hidden", hidden},
                    {"activation", "tanh"}, {"lr", c.train.lr}, {"weight_decay", c.train.weight_decay},
                    {"threads", c.train.threads},
                    {"device", c.train.cuda ? cuda_device_description() : std::string("cpu")}}},
      {"dataset", data_json},
      {"energy_protocol", protocol},
      {"models", {{"hnn", model_json(hnn)}, {"baseline", model_json(base)}}},
      {"published",
       {{"source", "HNN reference code README (github.com/greydanus/hamiltonian-nn), mean over 5 runs"},
        {"hnn", {{"test_loss", p.test_hnn}, {"energy_mse", p.energy_hnn}}},
        {"baseline", {{"test_loss", p.test_baseline}, {"energy_mse", p.energy_baseline}}}}}};
  if (real) {  // the recording's path as the user can use it: relative to the working folder when inside it,
    // so that metrics.json names no folder of the machine it ran on
    const std::filesystem::path data = c.data_path;
    const std::filesystem::path rel = data.lexically_relative(std::filesystem::current_path());
    m["data"] = (!rel.empty() && *rel.begin() != "..") ? rel.generic_string() : data.generic_string();
  }
  write_hnn_trajectories_npz((dir / "trajectories.npz").string(), first.rollouts, sys, first.hnn, first.baseline,
                             real ? c.real_data : first.data);
  write_text_file_atomic((dir / "metrics.json").string(), m.dump(2) + "\n");
  const std::string plot_note = run_plot_script("plot_hnn.py", dir.string());
  write_text_file_atomic((dir / "summary.md").string(), summary_md(c, config, hnn, base, p, protocol, plot_note));
  say("wrote " + (dir / "metrics.json").string() + ", " + (dir / "trajectories.npz").string() + " and " +
      (dir / "summary.md").string() + (plot_note.empty() ? " (+ plots)" : " (" + plot_note + ")"));
  return 0;
}

}  // namespace noether
