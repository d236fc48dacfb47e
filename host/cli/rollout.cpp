// cli/rollout.cpp — `noether rollout --model M.json --init INIT.npz --dt DT --steps K --stride S
// [-o OUT.npz] [--device auto|cpu|cuda] [--method verlet|rk4|rk45] [--float32]`: roll a trained pair
// model out on any number of particles in 2-D or 3-D (the init file's; a pair model depends on
// distances only) and write the trajectory format with observables (docs/FORMATS.md). A species-pair file
// (io/pair_laws_file.hpp) gives a law and a cutoff per species pair (--init's 'species' picks them; --cutoff, --r-on and
// --smoothing are refused then). At the end it reports the
// share of pair visits outside the law's trained range (physics/support_visits.hpp; npz keys support_range,
// support_visits) on stderr, and warns above --support-warn.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "noether/io/simulation_config.hpp"
#include "noether/io/trajectory.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/io/model_file.hpp"
#include "noether/io/pair_laws_file.hpp"
#include "noether/io/table_file.hpp"
#include "noether/physics/simulate.hpp"
#include "run/progress.hpp"

namespace noether {

void add_rollout_command(CLI::App& app) {
  struct Opts {
    std::string model, init, output, device = "auto", method = "verlet";
    double dt = 0, cutoff = 0, r_on = 0, skin = 0.3, support_warn = kSupportWarnDefault;
    std::string smoothing = "switch", neighbor = "auto";
    long steps = 0, stride = 1;
    bool float32 = false, quiet = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("rollout", "Roll a trained pair model out from initial states; writes a .npz trajectory");
  cmd->add_option("--model", o->model,
                  "trained model file (JSON, model 'mclnn'), pair table (noether tabulate), or species-pair file "
                  "(noether-pair-models from bulk training, noether-pair-tables from tabulating one)")->required();
  cmd->add_option("--init", o->init, "initial states (.npz: positions/velocities (B,N,D) or (N,D), masses); any N, D = 2 or 3")
      ->required();
  cmd->add_option("--dt", o->dt, "integration step (> 0)")->required()->check(cli_check::positive_finite());
  cmd->add_option("--steps", o->steps, "integration steps in all (a multiple of --stride)")->required()->check(CLI::NonNegativeNumber);
  cmd->add_option("--stride", o->stride, "steps per saved frame (default 1)")->check(CLI::Range(1L, 2147483647L));
  cmd->add_option("-o,--output", o->output, "output .npz (default <model name>_rollout.npz)");
  cmd->add_option("--device", o->device, "auto | cpu | cuda");
  cmd->add_option("--method", o->method, "verlet (default) | rk4 | rk45 (CPU)");
  CLI::Option* o_cutoff = cmd->add_option(
      "--cutoff", o->cutoff, "cut the pair law off at r_c (bulk runs; the box comes from --init's 'box' key); not with a "
                             "species-pair file, whose pairs carry their own cutoffs");
  CLI::Option* o_smoothing = cmd->add_option("--smoothing", o->smoothing, "switch (default, needs --r-on) | shifted_force | none");
  CLI::Option* o_r_on = cmd->add_option("--r-on", o->r_on, "start of the switching region, 0 < r_on < cutoff");
  cmd->add_option("--neighbor", o->neighbor, "auto (default) | all_pairs | cell");
  cmd->add_option("--skin", o->skin, "neighbor-list skin (default 0.3)");
  cmd->add_option("--support-warn", o->support_warn,
                  "warn when more than this fraction of the pair visits (saved frames) lie outside the distances the "
                  "law was trained on (default 0.01; 0..1; docs/BULK.md)");
  cmd->add_flag("--float32", o->float32, "integrate in float32 (default float64)");
  cmd->add_flag("-q,--quiet", o->quiet, "print nothing on success");
  cmd->callback([o, o_cutoff, o_smoothing, o_r_on] {
    NOETHER_REQUIRE(std::isfinite(o->dt) && o->dt > 0, "--dt: expected a step > 0, got " << o->dt);
    NOETHER_REQUIRE(o->stride >= 1, "--stride: expected >= 1, got " << o->stride);
    NOETHER_REQUIRE(std::isfinite(o->support_warn) && o->support_warn >= 0 && o->support_warn <= 1,
                    "--support-warn: expected a fraction in [0, 1], got " << o->support_warn);
    NOETHER_REQUIRE(o->steps >= 0 && o->steps % o->stride == 0,
                    "--steps: expected a non-negative multiple of --stride (" << o->stride << "), got " << o->steps);
    SimulationConfig cfg;
    cfg.source = o->model;
    // a species-pair file (noether-pair-models from bulk training, noether-pair-tables from noether tabulate) brings a
    // law and a cutoff per species pair; else a model file ('mclnn') or a pair table: one law for every pair
    const bool pair_file = !species_pair_file_format(o->model).empty();
    SpeciesPairLaws pairs;
    if (pair_file) {
      for (const CLI::Option* opt : {o_cutoff, o_r_on, o_smoothing})
        NOETHER_REQUIRE(opt->count() == 0, opt->get_name() << ": " << o->model << " is a species-pair file, which "
                                                              "gives every species pair its own cutoff (its key "
                                                              "pairs[k].cutoff); drop " << opt->get_name());
      pairs = load_species_pair_laws(o->model);
      cfg.law = pairs.laws[0];
    } else {
      cfg.law = load_pair_law_file(o->model);
    }
    cfg.init = load_initial_state_npz(o->init);
    validate_initial_state(cfg.init, o->init);
    cfg.integrator.dt = o->dt;
    cfg.integrator.stride = o->stride;
    NOETHER_REQUIRE(o->steps / o->stride < 2147483647L,
                    "--steps: " << o->steps << " / --stride " << o->stride << " saved frames, more than 2147483646");
    cfg.integrator.frames = int(o->steps / o->stride) + 1;
    require_simulation_fits(cfg, "--steps");
    if (o->method == "rk4") cfg.integrator.method = IntegratorMethod::RK4;
    else if (o->method == "rk45") cfg.integrator.method = IntegratorMethod::RK45;
    else NOETHER_REQUIRE(o->method == "verlet", "--method: expected verlet, rk4 or rk45, got '" << o->method << "'");
    cfg.float32 = o->float32;
    cfg.device = parse_device(o->device, "--device");
    {  // bulk: a box or species from --init, or a cutoff (physics/bulk.hpp)
      BulkSpec& b = cfg.bulk;
      CutoffSpec cut;
      if (o->cutoff != 0) {
        NOETHER_REQUIRE(std::isfinite(o->cutoff) && o->cutoff > 0, "--cutoff: expected r_c > 0, got " << o->cutoff);
        NOETHER_REQUIRE(o->smoothing == "switch" || o->smoothing == "shifted_force" || o->smoothing == "none",
                        "--smoothing: expected switch, shifted_force or none, got '" << o->smoothing << "'");
        cut.cutoff = o->cutoff;
        cut.smoothing = o->smoothing == "switch" ? Smoothing::Switch : o->smoothing == "shifted_force" ? Smoothing::ShiftedForce : Smoothing::None;
        if (cut.smoothing == Smoothing::Switch)
          NOETHER_REQUIRE(o->r_on > 0 && o->r_on < o->cutoff, "--r-on: expected 0 < r_on < --cutoff (" << o->cutoff << "), got " << o->r_on);
        cut.r_on = o->r_on;
        if (cfg.law.kind == PotentialKind::Tabulated && cfg.law.table)
          NOETHER_REQUIRE(o->cutoff <= cfg.law.table->r_max,
                          "--cutoff: " << o->cutoff << " is beyond the range of the table " << o->model << " (r_max = "
                                       << cfg.law.table->r_max << "); tabulate a wider range or cut off within it");
      }
      NOETHER_REQUIRE(o->neighbor == "auto" || o->neighbor == "all_pairs" || o->neighbor == "cell",
                      "--neighbor: expected auto, all_pairs or cell, got '" << o->neighbor << "'");
      NOETHER_REQUIRE(std::isfinite(o->skin) && o->skin > 0, "--skin: expected a skin > 0, got " << o->skin);
      NOETHER_REQUIRE(o->neighbor != "cell" || cut.active() || (pair_file && pairs.cutoffs[0].active()),
                      "--neighbor cell: needs --cutoff");
      b.neighbor = o->neighbor == "cell" ? NeighborMethod::Cell : o->neighbor == "all_pairs" ? NeighborMethod::AllPairs : NeighborMethod::Auto;
      b.skin = o->skin;
      b.pair_laws = {cfg.law};
      b.pair_cutoffs = {cut};
      b.enabled = cut.active() || cfg.init.box.present || !cfg.init.species.empty();
      if (pair_file) use_species_pair_laws(pairs, b);
      if (b.enabled) validate_bulk(cfg, o->init);
    }
    const DeviceChoice dev = resolve_device(cfg);
    std::string out = o->output;
    if (out.empty()) out = std::filesystem::path(o->model).stem().string() + "_rollout.npz";

    const auto t0 = std::chrono::steady_clock::now();
    Trajectory traj;
    {
      Progress bar("rollout");
      traj = simulate(cfg, dev, [&](int done, int total) { bar.update(done, total); });
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    write_trajectory_npz(out, traj);
    if (!o->quiet) {
      const FrameObservables &a = traj.frames.front(), &b = traj.frames.back();
      double dH = 0, dP = 0;
      for (int k = 0; k < traj.B; ++k) {
        dH = std::max(dH, std::abs((b.kinetic[k] + b.potential[k]) - (a.kinetic[k] + a.potential[k])));
        for (int c = 0; c < traj.D; ++c)
          dP = std::max(dP, std::abs(b.momentum[std::size_t(k) * traj.D + c] - a.momentum[std::size_t(k) * traj.D + c]));
      }
      std::printf("wrote %s: %d trajectories x %d frames x %d particles x %dD (%s, %s) in %.2f s, %.3g steps/s; "
                  "max |H(T) - H(0)| = %.3e, max |P(T) - P(0)| = %.3e\n",
                  out.c_str(), traj.B, traj.T, traj.N, traj.D, cfg.float32 ? "float32" : "float64",
                  dev == DeviceChoice::Cuda ? cuda_device_description().c_str() : "cpu", secs,
                  double(o->steps) / std::max(secs, 1e-9), dH, dP);
    }
    if (traj.support_visits.counted() && !o->quiet)
      std::fprintf(stderr, "%s\n", support_visits_summary(traj.support_visits).c_str());
    const std::string warn = support_visits_warning(traj.support_visits, o->support_warn);
    if (!warn.empty()) std::fprintf(stderr, "%s\n", warn.c_str());
  });
}

}  // namespace noether
