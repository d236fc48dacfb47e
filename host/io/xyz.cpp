// io/xyz.cpp — extended XYZ text of a trajectory (io/xyz.hpp).
#include "noether/io/xyz.hpp"

#include <cstdio>

#include "noether/core/error.hpp"
#include "noether/io/json_file.hpp"

namespace noether {

namespace {
void append(std::string& s, const char* fmt, double x) {
  char b[40];
  std::snprintf(b, sizeof b, fmt, x);
  s += b;
}
}  // namespace

std::string trajectory_xyz(const XyzTrajectory& t) {
  NOETHER_REQUIRE(t.D == 2 || t.D == 3, "extended XYZ: expected D = 2 or 3, got " << t.D);
  NOETHER_REQUIRE(t.T >= 1 && t.N >= 1 && t.pos && t.vel && t.mass && t.times, "extended XYZ: empty trajectory");
  std::string header;
  {
    bool per[3] = {false, false, false};
    double L[3] = {0, 0, 1};
    if (t.box.present)
      for (int c = 0; c < t.D; ++c) per[c] = t.box.periodic[c], L[c] = t.box.L[c];
    if (t.box.present) {
      header += "Lattice=\"";
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) {
          append(header, "%.17g", r == c ? L[c] : 0.0);
          header += r == 2 && c == 2 ? "\" " : " ";
        }
    }
    header += "Properties=species:S:1:pos:R:3:velo:R:3:mass:R:1:noether_species:I:1 pbc=\"";
    header += std::string(per[0] ? "T" : "F") + " " + (per[1] ? "T" : "F") + " " + (per[2] ? "T" : "F") + "\"";
  }
  std::string s;
  s.reserve(std::size_t(t.T) * t.N * 150);
  for (int f = 0; f < t.T; ++f) {
    s += std::to_string(t.N) + "\n" + header + " Time=";
    append(s, "%.17g", t.times[f]);
    s += "\n";
    const double* q = t.pos + std::size_t(f) * t.N * t.D;
    const double* v = t.vel + std::size_t(f) * t.N * t.D;
    for (int i = 0; i < t.N; ++i) {
      s += "X";
      for (int c = 0; c < 3; ++c) append(s, " %.17g", c < t.D ? q[i * t.D + c] : 0.0);
      for (int c = 0; c < 3; ++c) append(s, " %.17g", c < t.D ? v[i * t.D + c] : 0.0);
      append(s, " %.17g", t.mass[i]);
      s += " " + std::to_string(t.species ? t.species[i] : 0) + "\n";
    }
  }
  return s;
}

void write_trajectory_xyz(const std::string& path, const XyzTrajectory& t) {
  write_text_file_atomic(path, trajectory_xyz(t));
}

}  // namespace noether
