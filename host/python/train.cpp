// python/train.cpp — train_mclnn on arrays in memory: the options are a `noether train --config` "train" section
// (run/mclnn_config.hpp, same keys, defaults and errors), the data the checks of mclnn/dataset.hpp.
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "noether/core/device.hpp"
#include "noether/mclnn/train.hpp"
#include "python/common.hpp"
#include "run/mclnn_config.hpp"

namespace noether::py {

/// The arrays [(name, ndarray)] of a trajectory as an archive (float64), as if read from a .npz.
NpzArchive archive_from_arrays(const std::vector<std::pair<std::string, AnyArray>>& arrays) {
  NpzArchive a;
  for (const auto& [name, arr] : arrays) {
    Checked c = check_array(arr, name.c_str(), {0, 1, 2, 3, 4});
    a[name] = NpyArray{c.shape, std::move(c.data), c.float32 ? "<f4" : "<f8"};
  }
  return a;
}

void register_train(nb::module_& m) {
  m.def(
      "train_mclnn",
      [](const std::vector<std::pair<std::string, AnyArray>>& arrays, const std::string& source,
         const std::string& options_json, const std::string& device, nb::object progress) {
        const NpzArchive a = archive_from_arrays(arrays);
        TrajectoryData data;
        try {
          data = trajectory_data_from_archive(a, source);
        } catch (const Error& e) {
          throw ArgumentError(e.what());
        }
        MclnnTrainOptions opt;
        std::string horizon_note;
        try {
          const cfg::json j = cfg::json::parse(options_json);
          opt = parse_train_section(j, cfg::Ctx{"train_mclnn", ""}, train_command_defaults());  // noether train's
          apply_start_epoch_cap(opt, j.contains("epochs"));
          horizon_note = fit_default_horizon(opt, j.contains("horizon"), data.T);
        } catch (const Error& e) {
          throw ArgumentError(e.what());
        }
        try {
          opt.cuda = train_on_cuda(parse_device(device, "device"), "device");
        } catch (const Error& e) {
          throw ArgumentError(e.what());
        }
        MclnnTrainResult r;
        GilFreeCall call(std::move(progress));
        call.run([&](const std::function<void(long, long)>& report) {
          r = train_mclnn(data, opt, [&](const EpochReport& e) { report(e.epoch, e.epochs); });
        });
        nb::dict info;
        info["epochs"] = r.epochs;
        info["planned_epochs"] = opt.epochs;
        info["train_loss"] = r.train_loss;
        info["val_loss"] = r.val_loss;
        info["seconds"] = r.seconds;
        info["stopped_by_time_budget"] = r.stopped_by_time_budget;
        info["device"] = opt.cuda ? "cuda" : "cpu";
        info["horizon"] = opt.horizon;
        if (!horizon_note.empty()) info["note"] = horizon_note;
        if (r.polished) {  // the polish: its method, kept or not, and the losses before and after it
          nb::dict p;
          p["method"] = r.polish_method;
          p["kept"] = r.polish_kept;
          p["evaluations"] = r.polish_evaluations;
          p["stop"] = r.polish_stop;
          p["train_loss"] = nb::make_tuple(r.polish_train_before, r.polish_train_after);
          p["val_loss"] = nb::make_tuple(r.polish_val_before, r.polish_val_after);
          info["polish"] = p;
        }
        return nb::make_tuple(std::move(r.model), info);
      },
      nb::arg("arrays"), nb::arg("source"), nb::arg("options_json"), nb::arg("device") = "auto",
      nb::arg("progress") = nb::none());
}

}  // namespace noether::py
