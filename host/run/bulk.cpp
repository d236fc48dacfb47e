// run/bulk.cpp — the bulk generalization experiment (run/bulk.hpp). Phases, each an ordinary simulation config
// (run/bulk_config.hpp): equilibrate the training state with the true law and the thermostat, run it NVE as training
// data, train the species-pair networks (run/train_bulk.hpp), tabulate them (run/tabulate_pairs.hpp), and per case
// equilibrate the case's state with the true law, then run the true and the learned law NVE from that one state and
// compare their observables (physics/trajectory_analysis.hpp).
#include "run/bulk.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "noether/core/error.hpp"
#include "noether/core/memory.hpp"
#include "noether/io/json_file.hpp"
#include "noether/io/pair_laws_file.hpp"
#include "noether/io/simulation_config.hpp"
#include "noether/io/trajectory.hpp"
#include "noether/mclnn/bulk_adjoint.hpp"
#include "noether/mclnn/bulk_dataset.hpp"
#include "noether/mclnn/evaluate.hpp"
#include "noether/physics/simulate.hpp"
#include "noether/physics/support_visits.hpp"
#include "noether/physics/trajectory_analysis.hpp"
#include "run/analysis_json.hpp"
#include "run/bulk_config.hpp"
#include "run/plot_script.hpp"
#include "run/progress.hpp"
#include "run/tabulate_pairs.hpp"
#include "run/train_bulk.hpp"

namespace noether {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// Trajectories up to this many particle-frames are also written as .npz (larger ones: the analysis only).
constexpr double kWriteTrajectoryParticleFrames = 2e6;

struct Phase {
  Trajectory traj;
  double seconds = 0;
  long steps = 0;  ///< integration steps of the run
};

/// Simulate one composed config; `init` (when given) replaces its initial state (an equilibrated one).
Phase run_phase(const json& sim, const std::string& source, const std::string& label, const InitialState* init) {
  SimulationConfig s = parse_simulation_config(sim, source);
  if (init) s.init = *init;
  const DeviceChoice used = resolve_device(s);
  Phase p;
  p.steps = long(s.integrator.frames - 1) * s.integrator.stride;
  const auto t0 = std::chrono::steady_clock::now();
  {
    Progress bar(label);
    p.traj = simulate(s, used, [&](int done, int total) { bar.update(done, total); });
  }
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return p;
}

/// The last frame of trajectory 0 as an initial state (positions wrapped, with box, species, masses).
InitialState last_frame_state(const Trajectory& t) {
  InitialState s;
  s.B = 1, s.N = t.N, s.D = t.D;
  const std::size_t frame = std::size_t(t.N) * t.D, off = std::size_t(t.T - 1) * frame;
  s.pos.assign(t.pos.begin() + off, t.pos.begin() + off + frame);
  s.vel.assign(t.vel.begin() + off, t.vel.begin() + off + frame);
  s.mass.assign(t.mass.begin(), t.mass.begin() + t.N);
  s.species = t.species;
  s.box = t.box;
  return s;
}

std::string fmt(double x, const char* f = "%.4g") {
  char b[48];
  std::snprintf(b, sizeof b, f, x);
  return b;
}

double rel_diff(double learned, double truth) { return truth != 0 ? (learned - truth) / std::fabs(truth) : 0.0; }

}  // namespace

int run_bulk_experiment(const std::string& config, const std::string& out_dir, bool quiet, double support_warn) {
  NOETHER_REQUIRE(std::isfinite(support_warn) && support_warn >= 0 && support_warn <= 1,
                  "--support-warn: expected a fraction in [0, 1], got " << support_warn);
  const BulkRunConfig c = load_bulk_run_config(config);  // every config error before any work
  const fs::path dir(out_dir);
  fs::create_directories(dir / "mclnn");
  auto say = [&](const std::string& s) {
    if (!quiet) std::printf("%s\n", s.c_str()), std::fflush(stdout);
  };
  const std::string src = config;
  TrajectoryAnalysisOptions aopt;
  aopt.rdf_bins = c.rdf_bins, aopt.rdf_r_max = c.rdf_r_max;

  // 1. Training data: the true law equilibrated with the thermostat, then NVE.
  const Phase teq = run_phase(bulk_phase_json(c, c.system, c.train_initial_state, bulk_equilibration_integrator(c), true),
                              src + " (train_data, equilibration)", "equilibrate training state", nullptr);
  const InitialState train_start = last_frame_state(teq.traj);
  const Phase tdata = run_phase(bulk_phase_json(c, c.system, c.train_initial_state, c.train_integrator, false),
                                src + " (train_data)", "simulate training data", &train_start);
  const std::string train_path = (dir / "train_data.npz").string();
  write_trajectory_npz(train_path, tdata.traj);
  say("1/4 training data: " + std::to_string(tdata.traj.T) + " frames x " + std::to_string(tdata.traj.N) +
      " particles (equilibrated " + std::to_string(c.equilibrate_steps) + " steps with the thermostat) -> " + train_path);

  // 2. Train the species-pair networks; 3. tabulate them.
  const BulkTrajectoryData data = load_bulk_trajectory_data(train_path);
  const std::string model_path = fs::absolute(dir / "mclnn" / "pair_models.json").string();
  const auto t0 = std::chrono::steady_clock::now();
  run_bulk_train(data, c.train, CutoffSpec{}, c.skin, model_path, true);
  const double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string law_path = model_path;
  if (c.rollout_table) {
    law_path = fs::absolute(dir / "mclnn" / "pair_tables.json").string();
    tabulate_species_pairs(model_path, law_path, NAN, NAN, c.table_tolerance, "inherit", TailPolicy::None, true);
  }
  const json learned_system = {{"potential", "file"}, {"file", law_path}};
  say("2/4 trained " + std::to_string(c.truth.species_count * (c.truth.species_count + 1) / 2) + " pair network(s), " +
      std::to_string(c.train.epochs) + " epochs after the " + mclnn_init_name(c.train.init) + " start, in " +
      fmt(train_seconds, "%.1f") + " s -> " + model_path + (c.rollout_table ? " (rolled out as tables: " + law_path + ")" : ""));

  // The learned dV/dr against the truth per species pair over the trained range below the switch.
  const SpeciesPairLaws learned = load_species_pair_laws(model_path);
  const int S = c.truth.species_count;
  std::vector<int> all(data.traj.B);
  for (int b = 0; b < data.traj.B; ++b) all[b] = b;
  const std::vector<DistanceRange> ranges = species_pair_distance_ranges(data, all, c.truth.max_cutoff());
  json potentials = json::array();
  std::ostringstream csv;
  csv.precision(12);
  csv << "a,b,r,V_true,dVdr_true,V_learned,dVdr_learned\n";
  double worst_dvdr = 0;
  for (int a = 0; a < S; ++a)
    for (int b = a; b < S; ++b) {
      const std::size_t ab = std::size_t(a) * S + b;
      const CutoffSpec& cut = c.truth.pair_cutoffs[ab];
      DistanceRange r = ranges[species_pair_index(a, b, S)];
      const double top = cut.smoothing == Smoothing::Switch ? cut.r_on : cut.cutoff;  // the raw law's force below the switch
      json p = {{"species", {a, b}}, {"r_min", r.min}, {"p05", r.p05}, {"p95", r.p95}, {"cutoff", cut.cutoff}};
      if (r.p95 > r.p05 && r.p05 > 0) {
        DistanceRange central = r;
        central.p95 = std::min(r.p95, top);
        const PotentialComparison pc = compare_potentials(c.truth.pair_laws[ab], learned.laws[ab], central);
        DistanceRange wide = r;
        wide.p05 = r.min, wide.p95 = top;
        const PotentialComparison pw = compare_potentials(c.truth.pair_laws[ab], learned.laws[ab], wide);
        p["dVdr_rel_l2"] = pc.dVdr_rel_l2_uniform;
        p["range"] = {central.p05, central.p95};
        p["dVdr_rel_l2_from_r_min"] = pw.dVdr_rel_l2_uniform;
        p["V_offset"] = pc.V_offset;
        worst_dvdr = std::max(worst_dvdr, pc.dVdr_rel_l2_uniform);
        for (int k = 0; k < 200; ++k) {
          const double x = 0.9 * r.min + (cut.cutoff - 0.9 * r.min) * k / 199.0;
          double Vt, dt, Vl, dl;
          pair_energy_and_slope(c.truth.pair_laws[ab], x, Vt, dt);
          pair_energy_and_slope(learned.laws[ab], x, Vl, dl);
          csv << a << ',' << b << ',' << x << ',' << Vt << ',' << dt << ',' << Vl + pc.V_offset << ',' << dl << '\n';
        }
      } else {
        p["note"] = "no training pair distances for this species pair";
      }
      potentials.push_back(p);
    }
  write_text_file_atomic((dir / "potential.csv").string(), csv.str());
  {
    std::string line = "3/4 learned dV/dr vs truth (relative L2 over [p05, min(p95, r_on)] of the training distances):";
    for (const json& p : potentials)
      line += " pair " + std::to_string(p["species"][0].get<int>()) + "-" + std::to_string(p["species"][1].get<int>()) +
              " " + (p.contains("dVdr_rel_l2") ? fmt(p["dVdr_rel_l2"].get<double>(), "%.3e") : std::string("n/a"));
    say(line);
  }

  // 4. Cases: one equilibrated state, the true and the learned law from it.
  json cases = json::object();
  std::vector<std::string> warnings;
  for (const BulkRunCase& k : c.cases) {
    const fs::path cdir = dir / "cases" / k.name;
    fs::create_directories(cdir);
    const std::string where = src + " (cases." + k.name + ")";
    InitialState start;
    double eq_seconds = 0;
    if (k.equilibrate) {
      const Phase eq = run_phase(bulk_phase_json(c, c.system, k.initial_state, bulk_equilibration_integrator(c), true),
                                 where, "case " + k.name + ": equilibrate", nullptr);
      start = last_frame_state(eq.traj);
      eq_seconds = eq.seconds;
    } else {
      start = parse_simulation_config(bulk_phase_json(c, c.system, k.initial_state, k.integrator, false), where).init;
    }
    const int N = start.N;
    json m = {{"particles", N}, {"equilibrated", k.equilibrate}, {"equilibration_seconds", eq_seconds}};
    // One rollout's observables into m[side], its series into cases/<case>/<side>_analysis.json (and its frames
    // into <side>.npz when small enough).
    auto record = [&](const char* side, const Phase& ph, TrajectoryAnalysis& a) {
      a = analyze_trajectory(ph.traj, aopt);
      json& j = m[side];
      j = trajectory_analysis_json(a, false);
      j["seconds"] = ph.seconds;
      j["steps"] = ph.steps;
      j["steps_per_s"] = double(ph.steps) / std::max(ph.seconds, 1e-9);
      j["neighbor_builds"] = ph.traj.neighbor_builds;
      write_text_file_atomic((cdir / (std::string(side) + "_analysis.json")).string(),
                             trajectory_analysis_json(a).dump() + "\n");
      if (double(ph.traj.N) * ph.traj.T <= kWriteTrajectoryParticleFrames)
        write_trajectory_npz((cdir / (std::string(side) + ".npz")).string(), ph.traj);
    };
    TrajectoryAnalysis at, al;
    if (k.truth)
      record("truth", run_phase(bulk_phase_json(c, c.system, k.initial_state, k.integrator, false), where,
                                "case " + k.name + ": truth", &start),
             at);
    const Phase lr = run_phase(bulk_phase_json(c, learned_system, k.initial_state, k.integrator, false), where,
                               "case " + k.name + ": learned", &start);
    record("learned", lr, al);
    m["learned"]["atom_steps_per_s"] = double(lr.steps) * N / std::max(lr.seconds, 1e-9);
    m["learned"]["support_visits"] = {{"fraction_outside", lr.traj.support_visits.fraction_outside()},
                                      {"outside", lr.traj.support_visits.outside()},
                                      {"visits", lr.traj.support_visits.visits()},
                                      {"summary", support_visits_summary(lr.traj.support_visits)}};
    m["peak_memory_bytes"] = peak_resident_bytes();
    const std::string warn = support_visits_warning(lr.traj.support_visits, support_warn);
    if (!warn.empty()) {
      std::fprintf(stderr, "case %s: %s\n", k.name.c_str(), warn.c_str());
      warnings.push_back("case " + k.name + ": " + warn);
    }
    std::string line = "4/4 case " + k.name + " (N = " + std::to_string(N) + "): learned " +
                       fmt(m["learned"]["atom_steps_per_s"].get<double>(), "%.3g") + " atom-steps/s, " +
                       support_visits_summary(lr.traj.support_visits);
    if (k.truth) {
      json cmp;
      json g = json::array();
      double worst_g = 0;
      const double r_limit = c.truth.max_cutoff();
      for (int a = 0; a < S; ++a)
        for (int b = a; b < S; ++b) {
          const std::size_t o = (std::size_t(a) * S + b) * at.rdf_bins;
          const double d = rdf_relative_deviation(at.rdf.data() + o, al.rdf.data() + o, at.rdf_r.data(), at.rdf_bins, r_limit);
          g.push_back({{"species", {a, b}}, {"max_abs_deviation_over_peak", d}});
          worst_g = std::max(worst_g, d);
        }
      cmp["rdf"] = g;
      cmp["rdf_worst"] = worst_g;
      cmp["pressure_rel"] = rel_diff(al.pressure_mean, at.pressure_mean);
      cmp["temperature_rel"] = rel_diff(al.temperature_mean, at.temperature_mean);
      cmp["diffusion_rel"] = rel_diff(al.diffusion, at.diffusion);
      m["compare"] = cmp;
      line += "; g(r) " + fmt(100 * worst_g, "%.2f") + "% of the peak, pressure " +
              fmt(100 * cmp["pressure_rel"].get<double>(), "%+.2f") + "%, diffusion " +
              fmt(100 * cmp["diffusion_rel"].get<double>(), "%+.2f") + "%";
    }
    say(line);
    cases[k.name] = m;
  }

  json metrics = {{"config", config},
                  {"task", "bulk_generalization"},
                  {"system", c.system},
                  {"training", {{"particles", tdata.traj.N}, {"frames", tdata.traj.T}, {"epochs", c.train.epochs},
                                {"init", mclnn_init_name(c.train.init)}, {"seconds", train_seconds},
                                {"learned_law", c.rollout_table ? "table" : "model"}}},
                  {"potentials", potentials},
                  {"dVdr_rel_l2_worst", worst_dvdr},
                  {"cases", cases}};
  write_text_file_atomic((dir / "metrics.json").string(), metrics.dump(2) + "\n");

  const std::string plot_note = run_plot_script("plot_bulk_run.py", dir.string());
  std::ostringstream md;
  md << "# noether run: " << fs::path(config).filename().string() << "\n\n";
  if (!c.description.empty()) md << c.description << "\n\n";
  md << "Trained on " << tdata.traj.N << " particles x " << tdata.traj.T << " frames (" << c.train.epochs
     << " epochs after the " << mclnn_init_name(c.train.init) << " start, " << fmt(train_seconds, "%.1f")
     << " s); rolled out as " << (c.rollout_table ? "tables" : "the networks") << ".\n\n"
     << "## Learned potential\n\n| species pair | range | dV/dr relative L2 | from r_min |\n|---|---|---:|---:|\n";
  for (const json& p : potentials)
    md << "| " << p["species"][0] << "-" << p["species"][1] << " | "
       << (p.contains("range") ? "[" + fmt(p["range"][0].get<double>()) + ", " + fmt(p["range"][1].get<double>()) + "]" : "—")
       << " | " << (p.contains("dVdr_rel_l2") ? fmt(p["dVdr_rel_l2"].get<double>(), "%.2e") : "—") << " | "
       << (p.contains("dVdr_rel_l2_from_r_min") ? fmt(p["dVdr_rel_l2_from_r_min"].get<double>(), "%.2e") : "—") << " |\n";
  md << "\n![potential](potential.png)\n\n## Rollouts: learned against the true law from the same state\n\n"
     << "| case | N | steps | g(r) max dev. / peak | pressure true / learned | T true / learned | D true / learned | "
        "energy drift true / learned | visits outside | learned atom-steps/s | peak memory |\n"
     << "|---|---:|---:|---:|---|---|---|---|---:|---:|---:|\n";
  for (const BulkRunCase& k : c.cases) {
    const json& m = cases[k.name];
    const json& l = m["learned"];
    auto pair = [&](const char* key, const char* sub, const char* f) {
      std::string s = m.contains("truth") && m["truth"].contains(key) ? fmt(m["truth"][key][sub].get<double>(), f) : "—";
      return s + " / " + (l.contains(key) ? fmt(l[key][sub].get<double>(), f) : "—");
    };
    md << "| " << k.name << " | " << m["particles"] << " | " << l["steps"] << " | "
       << (m.contains("compare") ? fmt(100 * m["compare"]["rdf_worst"].get<double>(), "%.2f") + "%" : "—") << " | "
       << pair("pressure", "mean", "%.4f") << " | " << pair("temperature", "mean", "%.4f") << " | "
       << pair("msd", "diffusion", "%.4f") << " | " << pair("energy", "drift", "%.1e") << " | "
       << fmt(100 * l["support_visits"]["fraction_outside"].get<double>(), "%.2f") << "% | "
       << fmt(l["atom_steps_per_s"].get<double>(), "%.3g") << " | " << format_bytes(m["peak_memory_bytes"].get<std::uint64_t>())
       << " |\n";
  }
  md << "\nPeak memory is the process's peak resident size after the case (cases run in order, so it bounds the "
        "largest case so far). D: the diffusion coefficient from the MSD slope over the second half of the run.\n\n";
  for (const std::string& w : warnings) md << "- warning: " << w << "\n";
  for (const BulkRunCase& k : c.cases) md << "![" << k.name << "](" << k.name << ".png)\n";
  md << "![scaling](scaling.png)\n";
  say(write_summary_with_plots(dir.string(), md.str(), plot_note));
  return 0;
}

}  // namespace noether
