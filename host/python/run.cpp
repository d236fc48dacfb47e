// python/run.cpp — run(config, out_dir): the whole `noether run` experiment (MCLNN, HNN or pixel pendulum) with the
// GIL released; progress and Ctrl-C through the per-thread hook of run/progress.hpp.
#include <nanobind/stl/string.h>

#include "python/common.hpp"
#include "run/hnn.hpp"
#include "run/hnn_config.hpp"
#include "run/mclnn.hpp"
#include "run/pixel.hpp"
#include "run/pixel_config.hpp"
#include "run/progress.hpp"

namespace noether::py {

void register_run(nb::module_& m) {
  m.def(
      "run",
      [](const std::string& config, const std::string& out_dir, bool quiet, nb::object progress) {
        require_file(config, "config file");
        GilFreeCall call(std::move(progress));
        call.run([&](const std::function<void(long, long)>& report) {
          // Every stage's Progress::update reaches `report` on this thread; restored however the run ends.
          struct Restore {
            ProgressHook old;
            ~Restore() { set_progress_hook(std::move(old)); }
          } restore{set_progress_hook([&](const std::string&, long done, long total) { report(done, total); })};
          if (is_pixel_run_config(config))
            run_pixel_experiment(config, out_dir, quiet);
          else if (is_hnn_run_config(config))
            run_hnn_experiment(config, out_dir, quiet);
          else
            run_experiment(config, out_dir, quiet);
        });
      },
      nb::arg("config"), nb::arg("out_dir"), nb::arg("quiet") = true, nb::arg("progress") = nb::none(),
      "Run the experiment of a config file into out_dir (what `noether run CONFIG -o OUT_DIR` does).");
}

}  // namespace noether::py
