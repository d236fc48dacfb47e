// run/plot_script.cpp — run a scripts/*.py plotting script on an output folder (run/plot_script.hpp).
#include "run/plot_script.hpp"

#include <cstdlib>
#include <filesystem>

#include "noether/io/json_file.hpp"

#ifndef NOETHER_SCRIPTS_DIR
#define NOETHER_SCRIPTS_DIR "scripts"
#endif

namespace noether {

namespace fs = std::filesystem;

std::string scripts_dir() {
  const char* env = std::getenv("NOETHER_SCRIPTS");
  return env && *env ? env : NOETHER_SCRIPTS_DIR;
}

std::string run_plot_script(const std::string& script, const std::string& dir, const std::string& extra_args) {
  const std::string path = scripts_dir() + "/" + script;
  if (!fs::exists(path)) return "no plots: " + path + " not found (set NOETHER_SCRIPTS to the scripts/ folder)";
  const std::string log = (fs::path(dir) / "plots.log").string();
  const std::string cmd = "/usr/bin/python3 '" + path + "' '" + dir + "'" + (extra_args.empty() ? "" : " " + extra_args) +
                          " > '" + log + "' 2>&1";
  if (std::system(cmd.c_str()) != 0)
    return "plotting failed: see plots.log (needs python3-numpy and python3-matplotlib)";
  return "";
}

std::string write_summary_with_plots(const std::string& dir, std::string md, const std::string& plot_note) {
  if (!plot_note.empty()) md += "\n_" + plot_note + "_\n";
  const std::string summary = (fs::path(dir) / "summary.md").string();
  write_text_file_atomic(summary, md);
  return "wrote " + (fs::path(dir) / "metrics.json").string() + ", " + summary +
         (plot_note.empty() ? " and plots" : " (" + plot_note + ")");
}

}  // namespace noether
