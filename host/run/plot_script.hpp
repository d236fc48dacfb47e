// run/plot_script.hpp — run one of the project's plotting scripts (scripts/*.py, Python + matplotlib) on an
// output folder, as every `noether run` experiment does after writing its metrics. Plots are optional:
// a missing script or a failing Python is reported in the returned note, never an error. Also the summary's last step.
#pragma once
#include <string>

namespace noether {

/// The scripts folder: $NOETHER_SCRIPTS when set, else the source tree's scripts/ (compiled in).
std::string scripts_dir();

/// Run `/usr/bin/python3 SCRIPTS/script DIR [extra…]` with stdout and stderr to DIR/plots.log.
/// Returns "" on success, else a one-line note for the summary ("plotting failed: see plots.log …" or
/// "no plots: … not found …"). `extra_args` is appended verbatim (already quoted by the caller).
std::string run_plot_script(const std::string& script, const std::string& dir, const std::string& extra_args = "");

/// The end of an experiment's summary: `plot_note` (run_plot_script's, if any) appended to the markdown `md`, written
/// atomically to DIR/summary.md; returns the line the run prints ("wrote DIR/metrics.json, DIR/summary.md and plots").
std::string write_summary_with_plots(const std::string& dir, std::string md, const std::string& plot_note);

}  // namespace noether
