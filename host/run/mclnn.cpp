// run/mclnn.cpp — `noether run CONFIG -o DIR`: the whole MCLNN experiment of paper 000 in one
// command — simulate the training set, train, roll the learned model out from every evaluation case's
// initial state next to the ground truth, compare (mclnn/evaluate.hpp), and write DIR/metrics.json,
// DIR/summary.md and (through scripts/plot_run.py) PNG plots. The config is documented in
// docs/EXPERIMENTS.md; every error names the file and key before any work starts.
#include "run/mclnn.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "noether/io/trajectory.hpp"
#include "noether/io/simulation_config.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/mclnn/dataset.hpp"
#include "noether/mclnn/evaluate.hpp"
#include "noether/io/json_file.hpp"
#include "noether/mclnn/lnn_baseline.hpp"
#include "noether/mclnn/train.hpp"
#include "noether/io/model_file.hpp"
#include "noether/physics/simulate.hpp"
#include "run/plot_script.hpp"
#include "run/progress.hpp"
#include "run/mclnn_at_scale.hpp"
#include "run/mclnn_config.hpp"

namespace noether {

namespace {

using namespace cfg;
namespace fs = std::filesystem;

struct Case {
  std::string name;
  SimulationConfig sim;
};

struct Experiment {
  std::string source;
  PairLawSpec law;
  bool float32 = false;
  DeviceChoice device = DeviceChoice::Auto;
  bool train_cuda = false;  ///< MCLNN training on the GPU (train_on_cuda of `device`)
  SimulationConfig train_data;
  MclnnTrainOptions train;
  bool with_lnn = false;  ///< the config has an "lnn" section: also train and roll out the LNN baseline
  LnnTrainOptions lnn;
  std::vector<Case> cases;
  json system_json;
  AtScaleSpec at_scale;  ///< the optional "at_scale" section (run/mclnn_at_scale.hpp)
};

SimulationConfig sim_section(const Experiment& e, const json& v, const Ctx& ctx) {
  check_keys(v, ctx, {"description", "initial_state", "integrator"});
  for (const char* k : {"initial_state", "integrator"})
    NOETHER_REQUIRE(v.contains(k), ctx.sub(k).where() << ": missing required section");
  SimulationConfig s;
  s.source = e.source;
  s.law = e.law;
  s.integrator = parse_integrator(v.at("integrator"), ctx.sub("integrator"));
  NOETHER_REQUIRE(s.integrator.method == IntegratorMethod::Verlet,
                  ctx.sub("integrator").sub("method").where() << ": experiments use velocity Verlet (as the paper)");
  s.init = parse_initial_state(v.at("initial_state"), ctx.sub("initial_state"));
  s.float32 = e.float32;
  s.device = e.device;
  require_simulation_fits(s, ctx.sub("integrator.frames").where());
  if (s.law.kind == PotentialKind::Gravity && s.law.softening == 0)
    check_no_coincident_particles(s.init, ctx.sub("initial_state").where());
  return s;
}

/// The optional "lnn" section: LnnTrainOptions keys (docs/EXPERIMENTS.md, docs/TRAINING.md).
LnnTrainOptions lnn_section(const json& v, const Ctx& ctx) {
  check_keys(v, ctx, {"hidden", "samples", "epochs", "batch_size", "lr", "lr_final", "val_fraction", "seed", "time_budget_s"});
  LnnTrainOptions o;
  if (v.contains("hidden")) {
    const json& h = v.at("hidden");
    NOETHER_REQUIRE(h.is_array() && !h.empty(), ctx.sub("hidden").where() << ": expected a non-empty list of widths, got " << h.dump());
    o.hidden.clear();
    for (const auto& w : h) {
      NOETHER_REQUIRE(w.is_number_integer() && w.get<long>() >= 1 && w.get<long>() <= 1024,
                      ctx.sub("hidden").where() << ": widths must be integers in [1, 1024], got " << w.dump());
      o.hidden.push_back(w.get<int>());
    }
  }
  o.samples = int(get_int(v, ctx, "samples", o.samples, 1, 2147483647));
  o.epochs = int(get_int(v, ctx, "epochs", o.epochs, 1, 100000000));
  o.batch_size = int(get_int(v, ctx, "batch_size", o.batch_size, 0, 2147483647));
  o.lr = get_number(v, ctx, "lr", o.lr, true);
  o.lr_final = get_number(v, ctx, "lr_final", o.lr_final);
  NOETHER_REQUIRE(o.lr_final >= 0 && o.lr_final <= o.lr, ctx.sub("lr_final").where() << ": expected a value in [0, lr]");
  o.val_fraction = get_number(v, ctx, "val_fraction", o.val_fraction);
  NOETHER_REQUIRE(o.val_fraction >= 0 && o.val_fraction < 1, ctx.sub("val_fraction").where() << ": expected a value in [0, 1)");
  o.seed = get_uint64(v, ctx, "seed", o.seed);
  o.time_budget_s = get_number(v, ctx, "time_budget_s", o.time_budget_s);
  NOETHER_REQUIRE(o.time_budget_s >= 0, ctx.sub("time_budget_s").where() << ": expected a value >= 0 (0 = off)");
  return o;
}

Experiment load_experiment(const std::string& path) {
  const json root = read_json_file(path);
  const Ctx ctx{path, ""};
  check_keys(root, ctx, {"description", "system", "precision", "device", "train_data", "train", "lnn", "cases", "at_scale"});
  for (const char* k : {"system", "train_data", "cases"})
    NOETHER_REQUIRE(root.contains(k), ctx.sub(k).where() << ": missing required section");
  Experiment e;
  e.source = path;
  e.system_json = root.at("system");
  e.law = parse_system(root.at("system"), ctx.sub("system"));
  e.float32 = get_choice(root, ctx, "precision", "float64", {"float64", "float32"}) == "float32";
  e.device = parse_device(get_choice(root, ctx, "device", "auto", {"auto", "cpu", "cuda"}), path + ": device");
  e.train_cuda = train_on_cuda(e.device, ctx.sub("device").where());
  e.train_data = sim_section(e, root.at("train_data"), ctx.sub("train_data"));
  e.train = root.contains("train") ? parse_train_section(root.at("train"), ctx.sub("train")) : MclnnTrainOptions{};
  if (root.contains("lnn")) {
    e.with_lnn = true;
    e.lnn = lnn_section(root.at("lnn"), ctx.sub("lnn"));
  }
  if (root.contains("at_scale")) {  // {"initial_state", "integrator", "tails": ["none", "power", …]}
    const Ctx actx = ctx.sub("at_scale");
    NOETHER_REQUIRE(root.at("at_scale").is_object(), actx.where() << ": expected an object {initial_state, integrator, tails}");
    json sim = root.at("at_scale");
    if (sim.contains("tails")) {  // each a policy name or a model file's "tail" object ({"policy": "power", "n": 1})
      const json& t = sim.at("tails");
      NOETHER_REQUIRE(t.is_array() && !t.empty(), actx.sub("tails").where() << ": expected a non-empty list of tail policies "
                                                                                 "(none, zero, power, or {\"policy\": \"power\", \"n\": 1}), got " << brief(t));
      e.at_scale.tails.clear();
      for (std::size_t k = 0; k < t.size(); ++k) {
        const std::string where = actx.sub("tails").at(k).where();
        json tail_obj = t[k].is_string() ? json{{"policy", t[k]}} : t[k];
        NOETHER_REQUIRE(tail_obj.is_object(), where << ": expected a policy name or an object {policy, n, r_on, r_hi}, got "
                                                    << brief(t[k]));
        const ModelTail mt = parse_model_tail(tail_obj.dump(), where);  // the model file's checks (io/model_file.hpp)
        for (const ModelTail& q : e.at_scale.tails)
          NOETHER_REQUIRE(at_scale_tail_name(q) != at_scale_tail_name(mt), where << ": '" << at_scale_tail_name(mt) << "' given twice");
        e.at_scale.tails.push_back(mt);
      }
      sim.erase("tails");
    }
    e.at_scale.sim = sim_section(e, sim, actx);
    e.at_scale.enabled = true;
  }
  const json& cs = root.at("cases");
  NOETHER_REQUIRE(cs.is_object() && !cs.empty(), ctx.sub("cases").where() << ": expected an object {name: {initial_state, integrator}, …}");
  for (const auto& item : cs.items()) {
    const std::string& name = item.key();
    NOETHER_REQUIRE(!name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == std::string::npos,
                    ctx.sub("cases").where() << ": case name '" << name << "' must use letters, digits, _ and - only");
    e.cases.push_back({name, sim_section(e, item.value(), ctx.sub("cases").sub(name))});
  }
  return e;
}

/// Run a simulation with a progress line; returns the trajectory and the seconds taken.
Trajectory run_sim(const SimulationConfig& s, const std::string& label, double& seconds, DeviceChoice& used) {
  used = resolve_device(s.device, s.integrator.method, s.law);
  const auto t0 = std::chrono::steady_clock::now();
  Progress bar(label);
  Trajectory t = simulate(s, used, [&](int done, int total) { bar.update(done, total); });
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return t;
}

std::string fmt(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3e", x);
  return b;
}

}  // namespace

void check_experiment_config(const std::string& config) { load_experiment(config); }

int run_experiment(const std::string& config, const std::string& out_dir, bool quiet, double support_warn) {
  NOETHER_REQUIRE(std::isfinite(support_warn) && support_warn >= 0 && support_warn <= 1,
                  "--support-warn: expected a fraction in [0, 1], got " << support_warn);
  const Experiment e = load_experiment(config);  // every config error before any work
  const fs::path dir(out_dir);
  fs::create_directories(dir / "mclnn");
  auto say = [&](const std::string& s) {
    if (!quiet) std::printf("%s\n", s.c_str()), std::fflush(stdout);
  };

  // 1. Training data (ground truth).
  double secs = 0;
  DeviceChoice used;
  const Trajectory train_traj = run_sim(e.train_data, "simulate training set", secs, used);
  const std::string train_path = (dir / "train_data.npz").string();
  write_trajectory_npz(train_path, train_traj);
  say("1/4 training set: " + std::to_string(train_traj.B) + " trajectories x " + std::to_string(train_traj.T) +
      " frames x " + std::to_string(train_traj.N) + " particles -> " + train_path);

  // 2. Train.
  const TrajectoryData data = load_trajectory_data(train_path);
  MclnnTrainOptions topt = e.train;
  topt.log_csv = (dir / "mclnn" / "train_log.csv").string();
  // The config's "device" decides where training runs too (auto: the GPU when one is usable).
  topt.cuda = e.train_cuda;
  MclnnTrainResult tr;
  {
    Progress bar("train mclnn");
    tr = train_mclnn(data, topt, [&](const EpochReport& r) {
      char note[96];
      std::snprintf(note, sizeof note, "loss %.3e  val %.3e", r.train_loss, r.val_loss);
      bar.update(r.epoch, r.epochs, note);
    });
  }
  const std::string model_path = (dir / "mclnn" / "model.json").string();
  save_model_file(model_path, tr.model);
  say("2/4 trained mclnn on " + std::string(topt.cuda ? cuda_device_description() : "cpu") + ": " +
      std::to_string(tr.epochs) + " epochs in " + fmt(tr.seconds) + " s, train loss " +
      fmt(tr.train_loss) + ", validation loss " + fmt(tr.val_loss) + " -> " + model_path);

  // 3. Potential against the truth.
  const PairLawSpec learned = learned_pair_law(tr.model);
  std::vector<int> all(data.B);
  for (int b = 0; b < data.B; ++b) all[b] = b;
  const DistanceRange range = pair_distance_range(data, all);
  const PotentialComparison pc = compare_potentials(e.law, learned, range, pair_distances(data, all));
  {
    std::ostringstream csv;
    csv.precision(12);
    csv << "r,V_true,dVdr_true,V_mclnn,dVdr_mclnn\n";
    const double lo = std::max(0.8 * range.min, 0.02 * range.max), hi = 1.1 * range.max;
    for (int k = 0; k < 300; ++k) {
      const double r = lo + (hi - lo) * k / 299.0;
      double Vt, dt, Vl, dl;
      pair_energy_and_slope(e.law, r, Vt, dt);
      pair_energy_and_slope(learned, r, Vl, dl);
      csv << r << ',' << Vt << ',' << dt << ',' << Vl + pc.V_offset << ',' << dl << '\n';
    }
    write_text_file_atomic((dir / "potential.csv").string(), csv.str());
  }
  say("3/4 learned dV/dr vs truth over the central 90% of training distances [" + fmt(pc.p05) + ", " + fmt(pc.p95) +
      "]: relative L2 " + fmt(pc.dVdr_rel_l2_uniform) + " (uniform in r), " + fmt(pc.dVdr_rel_l2_samples) +
      " (over training pairs)");

  // 3b. The LNN baseline (optional): V_θ of all N·D coordinates, trained on the data's accelerations.
  LnnTrainResult lr;
  double lnn_offset = 0;
  if (e.with_lnn) {
    fs::create_directories(dir / "lnn");
    const std::vector<double> acc = load_trajectory_accelerations(train_path, data);
    {
      Progress bar("train lnn");
      std::ostringstream log;  // lnn/train_log.csv, the columns of mclnn/train_log.csv (plot_run.py)
      log << "epoch,train_loss,val_loss,lr,seconds\n";
      lr = train_lnn(data, acc, e.lnn, [&](const LnnEpochReport& r) {
        char note[96], line[200];
        std::snprintf(note, sizeof note, "loss %.3e  val %.3e", r.train_loss, r.val_loss);
        bar.update(r.epoch, r.epochs, note);
        std::snprintf(line, sizeof line, "%d,%.9e,%.9e,%.6e,%.3f\n", r.epoch, r.train_loss, r.val_loss, r.lr, r.seconds);
        log << line;
      });
      write_text_file_atomic((dir / "lnn" / "train_log.csv").string(), log.str());
    }
    std::vector<double> U(std::size_t(train_traj.B) * train_traj.T);
    for (int b = 0; b < train_traj.B; ++b)
      for (int t = 0; t < train_traj.T; ++t) U[std::size_t(b) * train_traj.T + t] = train_traj.frames[t].potential[b];
    lnn_offset = lnn_potential_offset(lr.model, data, U);
    save_model_file((dir / "lnn" / "model.json").string(), lr.model);
    say("3/4 trained lnn baseline: " + std::to_string(lr.epochs) + " epochs on " + std::to_string(lr.train_samples) +
        " samples in " + fmt(lr.seconds) + " s, acceleration MSE " + fmt(lr.initial_train_loss) + " -> " +
        fmt(lr.train_loss) + ", validation " + fmt(lr.val_loss));
  }

  // 4. Cases: truth and learned rollouts from the same states, compared.
  auto case_json = [](const RolloutComparison& rc, const Case& c, const std::string& device, double t_pred) {
    const long steps = long(c.sim.integrator.frames - 1) * c.sim.integrator.stride;
    const auto& e_pos = rc.relative_position_error;
    double mean_e = 0;
    for (double x : e_pos) mean_e += x / double(e_pos.size());
    return json{
        {"particles", rc.N}, {"dim", rc.D}, {"trajectories", rc.B}, {"frames", rc.T},
        {"dt", c.sim.integrator.dt}, {"stride", c.sim.integrator.stride}, {"device", device},
        {"mae", {{"lagrangian", rc.mae_lagrangian}, {"hamiltonian", rc.mae_hamiltonian},
                 {"linear_momentum", rc.mae_linear_momentum}, {"angular_momentum", rc.mae_angular_momentum}}},
        {"relative_position_error", {{"first", e_pos.front()}, {"final", e_pos.back()}, {"mean", mean_e}}},
        {"energy_drift", {{"max_abs", rc.energy_drift_abs}, {"relative", rc.energy_drift_rel}}},
        {"momentum_drift", {{"linear", rc.linear_momentum_drift_rel}, {"angular", rc.angular_momentum_drift_rel}}},
        {"steps_per_s", double(steps) / std::max(t_pred, 1e-9)}};
  };
  json cases = json::object(), lnn_cases = json::object();
  std::vector<std::string> support_lines;  // per case: pair visits outside the trained range (summary.md)
  for (const Case& c : e.cases) {
    const fs::path cdir = dir / "cases" / c.name;
    fs::create_directories(cdir);
    double t_truth = 0, t_pred = 0;
    DeviceChoice d_truth, d_pred;
    const Trajectory truth = run_sim(c.sim, "case " + c.name + ": truth", t_truth, d_truth);
    write_trajectory_npz((cdir / "truth.npz").string(), truth);
    SimulationConfig ps = c.sim;
    ps.law = learned;
    const Trajectory pred = run_sim(ps, "case " + c.name + ": mclnn", t_pred, d_pred);
    write_trajectory_npz((cdir / "mclnn.npz").string(), pred);  // with support_range / support_visits
    {  // pair visits outside the trained range (physics/support_visits.hpp): stdout, summary.md, a warning on stderr
      const std::string line = support_visits_summary(pred.support_visits);
      support_lines.push_back("case " + c.name + ": " + line);
      say("4/4 case " + c.name + ": " + line);
      const std::string warn = support_visits_warning(pred.support_visits, support_warn);
      if (!warn.empty()) std::fprintf(stderr, "case %s: %s\n", c.name.c_str(), warn.c_str());
    }
    const RolloutComparison rc = compare_rollouts(read_npz((cdir / "truth.npz").string()), "truth.npz",
                                                  read_npz((cdir / "mclnn.npz").string()), "mclnn.npz", pc.V_offset);
    const auto& e_pos = rc.relative_position_error;
    cases[c.name] = case_json(rc, c, d_pred == DeviceChoice::Cuda ? cuda_device_description() : "cpu", t_pred);
    say("4/4 case " + c.name + " (" + std::to_string(rc.N) + " particles): MAE H " + fmt(rc.mae_hamiltonian) +
        ", MAE L " + fmt(rc.mae_lagrangian) + ", final position error " + fmt(e_pos.back()) +
        ", momentum drift " + fmt(rc.linear_momentum_drift_rel) + " / " + fmt(rc.angular_momentum_drift_rel));
    if (!e.with_lnn) continue;
    if (c.sim.init.N != data.N || c.sim.init.D != data.D) {  // V_θ takes exactly the trained N·D coordinates
      lnn_cases[c.name] = {{"particles", c.sim.init.N}, {"dim", c.sim.init.D},
                           {"skipped", "lnn: cannot run " + std::to_string(c.sim.init.N) + " particles"}};
      say("4/4 case " + c.name + ": lnn: cannot run " + std::to_string(c.sim.init.N) + " particles (trained on " +
          std::to_string(data.N) + ")");
      continue;
    }
    const auto l0 = std::chrono::steady_clock::now();
    const Trajectory lt = lnn_rollout(lr.model, c.sim.init, c.sim.integrator.dt, c.sim.integrator.stride,
                                      c.sim.integrator.frames, lnn_offset);
    const double t_lnn = std::chrono::duration<double>(std::chrono::steady_clock::now() - l0).count();
    write_trajectory_npz((cdir / "lnn.npz").string(), lt);
    const RolloutComparison rl = compare_rollouts(read_npz((cdir / "truth.npz").string()), "truth.npz",
                                                  read_npz((cdir / "lnn.npz").string()), "lnn.npz", 0.0);
    lnn_cases[c.name] = case_json(rl, c, "cpu", t_lnn);
    say("4/4 case " + c.name + " lnn: MAE H " + fmt(rl.mae_hamiltonian) + ", MAE L " + fmt(rl.mae_lagrangian) +
        ", final position error " + fmt(rl.relative_position_error.back()) + ", momentum drift " +
        fmt(rl.linear_momentum_drift_rel) + " / " + fmt(rl.angular_momentum_drift_rel));
  }

  // 5. At scale (optional): the model on a much larger system, per tail policy.
  json at_scale;
  if (e.at_scale.enabled) at_scale = run_at_scale(e.at_scale, tr.model, pc.V_offset, dir, support_warn, say);

  json metrics = {
      {"config", config},
      {"system", e.system_json},
      {"models",
       {{"mclnn",
         {{"training", {{"device", topt.cuda ? cuda_device_description() : "cpu"}, {"epochs", tr.epochs},
                        {"seconds", tr.seconds}, {"train_loss", tr.train_loss},
                        {"val_loss", tr.val_loss}, {"stopped_by_time_budget", tr.stopped_by_time_budget}}},
          {"potential", {{"r_min", pc.r_min}, {"r_max", pc.r_max}, {"p05", pc.p05}, {"p95", pc.p95},
                         {"V_offset", pc.V_offset}, {"dVdr_rel_l2_uniform", pc.dVdr_rel_l2_uniform},
                         {"dVdr_rel_l2_samples", pc.dVdr_rel_l2_samples}}},
          {"cases", cases}}}}}};
  if (e.with_lnn)
    metrics["models"]["lnn"] = {
        {"training", {{"epochs", lr.epochs}, {"seconds", lr.seconds}, {"samples", lr.train_samples},
                      {"validation_samples", lr.val_samples}, {"initial_train_loss", lr.initial_train_loss},
                      {"train_loss", lr.train_loss}, {"val_loss", lr.val_loss},
                      {"stopped_by_time_budget", lr.stopped_by_time_budget}}},
        {"potential_offset", lnn_offset},
        {"cases", lnn_cases}};
  if (e.at_scale.enabled) metrics["models"]["mclnn"]["at_scale"] = at_scale;
  write_text_file_atomic((dir / "metrics.json").string(), metrics.dump(2) + "\n");

  // Plots (Python + matplotlib, optional) and the markdown summary.
  const std::string plot_note = run_plot_script("plot_run.py", dir.string());
  std::ostringstream md;
  md << "# noether run: " << fs::path(config).filename().string() << "\n\n"
     << "System: `" << e.system_json.dump() << "`. Model: mclnn (pair MLP " << "hidden";
  for (int w : e.train.hidden) md << " " << w;
  md << ", " << activation_name(e.train.activation) << "), trained " << tr.epochs << " epochs in " << fmt(tr.seconds)
     << " s on " << train_traj.B << " trajectories x " << train_traj.T << " frames of " << train_traj.N
     << " particles; train loss " << fmt(tr.train_loss) << ", validation loss " << fmt(tr.val_loss) << ".\n\n"
     << "## Learned potential\n\nRelative L2 error of dV/dr over the central 90% of training distances ["
     << fmt(pc.p05) << ", " << fmt(pc.p95) << "]: **" << fmt(pc.dVdr_rel_l2_uniform) << "** (uniform in r), **"
     << fmt(pc.dVdr_rel_l2_samples) << "** (over the training pairs). Target: 2e-2.\n\n![potential](potential.png)\n\n"
     << "## Rollouts against ground truth\n\n"
     << "| case | N | frames | MAE L | MAE H | MAE P | MAE J | final pos. error | energy drift (rel) | P drift (rel) | J drift (rel) | steps/s |\n"
     << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const Case& c : e.cases) {
    const json& m = cases[c.name];
    md << "| " << c.name << " | " << m["particles"] << " | " << m["frames"] << " | " << fmt(m["mae"]["lagrangian"])
       << " | " << fmt(m["mae"]["hamiltonian"]) << " | " << fmt(m["mae"]["linear_momentum"]) << " | "
       << fmt(m["mae"]["angular_momentum"]) << " | " << fmt(m["relative_position_error"]["final"]) << " | "
       << fmt(m["energy_drift"]["relative"]) << " | " << fmt(m["momentum_drift"]["linear"]) << " | "
       << fmt(m["momentum_drift"]["angular"]) << " | " << fmt(m["steps_per_s"]) << " |\n";
  }
  if (e.with_lnn) {
    md << "\n## LNN baseline (V_θ of all " << data.N * data.D << " coordinates)\n\nTrained " << lr.epochs << " epochs on "
       << lr.train_samples << " samples in " << fmt(lr.seconds) << " s; acceleration MSE " << fmt(lr.initial_train_loss)
       << " -> " << fmt(lr.train_loss) << " (validation " << fmt(lr.val_loss) << "). Potential offset (mean of U_true − V_θ "
       << "over the training frames): " << fmt(lnn_offset) << ".\n\n"
       << "| case | N | MAE L | MAE H | MAE P | MAE J | final pos. error | energy drift (rel) | P drift (rel) | J drift (rel) |\n"
       << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const Case& c : e.cases) {
      const json& m = lnn_cases[c.name];
      if (m.contains("skipped")) {
        md << "| " << c.name << " | " << m["particles"] << " | " << m["skipped"].get<std::string>() << " | | | | | | | |\n";
        continue;
      }
      md << "| " << c.name << " | " << m["particles"] << " | " << fmt(m["mae"]["lagrangian"]) << " | "
         << fmt(m["mae"]["hamiltonian"]) << " | " << fmt(m["mae"]["linear_momentum"]) << " | "
         << fmt(m["mae"]["angular_momentum"]) << " | " << fmt(m["relative_position_error"]["final"]) << " | "
         << fmt(m["energy_drift"]["relative"]) << " | " << fmt(m["momentum_drift"]["linear"]) << " | "
         << fmt(m["momentum_drift"]["angular"]) << " |\n";
    }
  }
  md << "\n## Pair visits outside the trained range\n\nCounted on the saved frames of the learned rollouts "
        "(npz keys support_range, support_visits; docs/BULK.md):\n\n";
  for (const std::string& l : support_lines) md << "- " << l << "\n";
  md << "\nThe learned potential's additive constant is fixed by V_offset = " << fmt(pc.V_offset)
     << " (mean of V_true − V_θ over the central training range) before L and H are compared.\n\n";
  for (const Case& c : e.cases)
    md << "![" << c.name << "](" << c.name << "_quantities.png)\n![" << c.name << " position error](" << c.name
       << "_position_error.png)\n";
  if (e.at_scale.enabled) {
    md << "\n## At scale: " << at_scale["particles"] << " particles\n\nThe trained model on a system "
       << at_scale["particles"].get<int>() / std::max(data.N, 1) << " times larger than the training one, per policy for the "
          "distances beyond its trained range (docs/BULK.md), against the true law from the same state. Force error: "
          "e_i = |a_learned − a_true| / |a_true| per particle at t = 0. Q = 2K/|U|.\n\n"
       << "| tail | median e | p90 e | max e | energy drift (rel) | Q first / last | visits outside |\n"
       << "|---|---:|---:|---:|---:|---|---:|\n";
    for (const auto& kv : at_scale["tails"].items()) {
      const json& t = kv.value();
      md << "| " << kv.key() << " | " << fmt(t["force_error"]["median"]) << " | " << fmt(t["force_error"]["p90"]) << " | "
         << fmt(t["force_error"]["max"]) << " | " << fmt(t["energy_drift"]) << " | " << fmt(t["virial_ratio"]["first"])
         << " / " << fmt(t["virial_ratio"]["last"]) << " | "
         << fmt(100 * t["support_visits"]["fraction_outside"].get<double>()) << "% |\n";
    }
    const json& t = at_scale["truth"];
    md << "| (truth) | | | | " << fmt(t["energy_drift"]) << " | " << fmt(t["virial_ratio"]["first"]) << " / "
       << fmt(t["virial_ratio"]["last"]) << " | |\n\n![at scale](at_scale.png)\n";
  }
  md << "\n![training loss](training_loss.png)\n";
  say(write_summary_with_plots(dir.string(), md.str(), plot_note));
  return 0;
}

}  // namespace noether
