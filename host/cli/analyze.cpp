// cli/analyze.cpp — `noether analyze TRAJ.npz -o DIR`: the observables of a saved trajectory (any noether trajectory
// file, or one written by NumPy with the keys of docs/FORMATS.md): temperature, virial pressure, energy drift, MSD and
// the diffusion coefficient, g(r) per species pair (physics/trajectory_analysis.hpp), to DIR/analysis.json and a plot
// DIR/analysis.png (scripts/plot_analyze.py; optional, like every plot). Nothing is written when the input is refused.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "noether/core/error.hpp"
#include "noether/io/json_file.hpp"
#include "noether/io/trajectory.hpp"
#include "noether/physics/trajectory_analysis.hpp"
#include "run/analysis_json.hpp"
#include "run/plot_script.hpp"

namespace noether {

void add_analyze_command(CLI::App& app) {
  struct Opts {
    std::string input, dir;
    TrajectoryAnalysisOptions a;
    bool quiet = false, no_plot = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "analyze", "Observables of a trajectory file: temperature, pressure, energy drift, MSD and diffusion, g(r) per species pair");
  cmd->add_option("input", o->input, "trajectory .npz (noether simulate / rollout, or NumPy with the keys of docs/FORMATS.md)")
      ->required();
  cmd->add_option("-o,--output", o->dir, "output folder: analysis.json, analysis.png")->required();
  cmd->add_option("--rdf-bins", o->a.rdf_bins, "g(r) bins (default 100)");
  cmd->add_option("--r-max", o->a.rdf_r_max,
                  "g(r) range [0, r_max) (default: five mean spacings (V/N)^(1/D), at most half the shortest periodic edge)");
  cmd->add_option("--skip-frames", o->a.skip_frames, "leave out the first frames (equilibration) from every average (default 0)");
  cmd->add_option("--fit-from", o->a.fit_from,
                  "the diffusion coefficient is the MSD slope / 2D over frames with t >= fit_from * t_last (default 0.5)");
  cmd->add_flag("--no-plot", o->no_plot, "skip DIR/analysis.png");
  cmd->add_flag("-q,--quiet", o->quiet, "print nothing on success");
  cmd->callback([o] {
    NOETHER_REQUIRE(o->a.rdf_r_max >= 0, "--r-max: expected a distance > 0 (or 0 for the default), got " << o->a.rdf_r_max);
    const Trajectory t = trajectory_from_archive(read_npz(o->input), o->input);
    const TrajectoryAnalysis a = analyze_trajectory(t, o->a);  // every option checked before anything is written
    nlohmann::json j = trajectory_analysis_json(a);
    j["source"] = o->input;
    const std::filesystem::path dir(o->dir);
    std::filesystem::create_directories(dir);
    write_text_file_atomic((dir / "analysis.json").string(), j.dump(1) + "\n");
    const std::string note = o->no_plot ? "" : run_plot_script("plot_analyze.py", dir.string());
    if (o->quiet) return;
    std::printf("%s: %d trajectories x %d frames (%d used) x %d particles in %dD, %d species\n", o->input.c_str(), a.B,
                a.T, a.frames_used, a.N, a.D, a.S);
    if (!a.temperature.empty()) std::printf("  temperature %.6g +- %.2g\n", a.temperature_mean, a.temperature_std);
    if (!a.pressure.empty()) std::printf("  pressure    %.6g +- %.2g (virial)\n", a.pressure_mean, a.pressure_std);
    if (!a.energy.empty()) std::printf("  energy drift max |H(t) - H(0)| / |H(0)| = %.3g\n", a.energy_drift);
    if (!a.msd.empty())
      std::printf("  MSD at the end %.6g, diffusion coefficient %.6g\n", a.msd.back(), a.diffusion);
    else
      std::printf("  %s\n", a.msd_note.c_str());
    if (a.rdf.empty()) std::printf("  %s\n", a.rdf_note.c_str());
    for (const auto& p : j["rdf"].value("pairs", nlohmann::json::array()))
      std::printf("  g(r) of species %d-%d: first peak %.4g at r = %.4g\n", p["species"][0].get<int>(),
                  p["species"][1].get<int>(), p["first_peak"]["g"].get<double>(), p["first_peak"]["r"].get<double>());
    std::printf("wrote %s%s\n", (dir / "analysis.json").string().c_str(),
                note.empty() ? (o->no_plot ? "" : " and analysis.png") : (" (" + note + ")").c_str());
  });
}

}  // namespace noether
