// cli/convert.cpp — `noether convert TRAJ.npz -o OUT.xyz [--trajectory b]`: one trajectory of a noether trajectory file
// as extended XYZ (io/xyz.hpp), with its box, periodic axes, species, masses, velocities and times, for ASE, OVITO and
// MDAnalysis. Reads the file with the training loader (mclnn/bulk_dataset.hpp: every key checked, errors name it).
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "noether/core/error.hpp"
#include "noether/io/xyz.hpp"
#include "noether/mclnn/bulk_dataset.hpp"

namespace noether {

void add_convert_command(CLI::App& app) {
  struct Opts {
    std::string input, output;
    int trajectory = 0;
    bool quiet = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("convert", "Write one trajectory of a .npz trajectory file as extended XYZ (ASE, OVITO, MDAnalysis)");
  cmd->add_option("input", o->input, "trajectory .npz (noether simulate / rollout; at least 2 frames)")->required();
  cmd->add_option("-o,--output", o->output, "output .xyz (extended XYZ; default <input name>.xyz)");
  cmd->add_option("--trajectory", o->trajectory, "which trajectory b of the file's B (default 0)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("-q,--quiet", o->quiet, "print nothing on success");
  cmd->callback([o] {
    std::string out = o->output;
    if (out.empty()) out = std::filesystem::path(o->input).stem().string() + ".xyz";
    NOETHER_REQUIRE(std::filesystem::path(out).extension() == ".xyz",
                    "-o/--output: expected a file name ending in .xyz, got '" << out << "'");
    const BulkTrajectoryData d = load_bulk_trajectory_data(o->input);
    NOETHER_REQUIRE(o->trajectory >= 0 && o->trajectory < d.traj.B,
                    "--trajectory: expected 0.." << d.traj.B - 1 << " (" << o->input << " has " << d.traj.B
                                                  << " trajectories), got " << o->trajectory);
    XyzTrajectory t;
    t.T = d.traj.T, t.N = d.traj.N, t.D = d.traj.D;
    t.pos = d.traj.q(o->trajectory, 0), t.vel = d.traj.v(o->trajectory, 0), t.mass = d.traj.m(o->trajectory);
    t.species = d.species_ptr(), t.times = d.traj.times.data(), t.box = d.box;
    write_trajectory_xyz(out, t);
    if (!o->quiet)
      std::printf("wrote %s: trajectory %d of %s, %d frames x %d particles x %dD (extended XYZ%s)\n", out.c_str(),
                  o->trajectory, o->input.c_str(), t.T, t.N, t.D, d.box.present ? ", with the box" : ", open space");
  });
}

}  // namespace noether
