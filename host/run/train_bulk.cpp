// run/train_bulk.cpp — `noether train` on bulk data: train_bulk_mclnn (mclnn/bulk_train.hpp) and a species-pair model
// file (mclnn/bulk_model_file.hpp) whose metadata.training.init records the start (--init force-match | random).
// Options the bulk trainer does not have yet are refused by the caller.
#include "run/train_bulk.hpp"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "noether/mclnn/bulk_model_file.hpp"
#include "noether/mclnn/bulk_train.hpp"

namespace noether {

void run_bulk_train(const BulkTrajectoryData& d, const MclnnTrainOptions& t, const CutoffSpec& cutoff, double skin,
                    const std::string& output, bool quiet) {
  BulkTrainOptions o;
  o.hidden = t.hidden, o.activation = t.activation, o.stride = t.stride, o.horizon = t.horizon, o.epochs = t.epochs;
  o.batch_size = t.batch_size, o.lr = t.lr, o.lr_final = t.lr_final, o.val_fraction = t.val_fraction, o.seed = t.seed;
  o.cutoff = cutoff, o.skin = skin, o.init = t.init;
  const TrajectoryData& x = d.traj;
  if (!quiet)
    std::printf("train mclnn (bulk: %s, %d species, %d pair networks, cutoff %s) on %s: %d trajectories x %d frames x "
                "%d particles x %dD, dt %g\n",
                d.box.present ? "periodic box" : "open space", d.S, d.S * (d.S + 1) / 2,
                cutoff.active() ? ("--cutoff " + std::to_string(cutoff.cutoff)).c_str()
                                : d.pair_cutoffs.empty() ? "none" : "per species pair from the data",
                x.source.c_str(), x.B, x.T, x.N, x.D, x.frame_dt / t.stride);
  const auto t0 = std::chrono::steady_clock::now();
  const BulkTrainResult r = train_bulk_mclnn(d, o);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // metadata.training.init: the start, as the open-space trainer records it (docs/TRAINING.md), per pair where a
  // value is per species pair.
  nlohmann::json init{{"kind", mclnn_init_name(r.init)}};
  if (r.init == MclnnInit::ForceMatch)
    init = {{"kind", "force-match"},        {"stencil", r.start.stencil},
            {"spline_intervals", r.start.intervals}, {"equations", r.start.rows},
            {"fit_rel_residual", r.start.fit_rel_residual}, {"prefit_points", r.start.points},
            {"prefit_iterations", r.start.iterations},   {"prefit_loss", r.start.prefit_loss},
            {"seconds", r.start.seconds}};
  if (!r.init_note.empty()) init["note"] = r.init_note;
  init["initial_val_loss"] = r.initial_val_loss;
  const nlohmann::json md{{"training",
                           {{"data", x.source}, {"epochs", o.epochs}, {"stride", o.stride}, {"horizon", o.horizon},
                            {"dt", x.frame_dt / o.stride}, {"skin", o.skin}, {"seed", o.seed},
                            {"init", init},
                            {"train_loss", r.train_loss.back()}, {"val_loss", r.val_loss.back()},
                            {"seconds", seconds}}}};
  if (!r.init_note.empty()) std::fprintf(stderr, "note: %s\n", r.init_note.c_str());
  if (!quiet && r.init == MclnnInit::ForceMatch) {
    char val[80] = "";  // no validation trajectories: nothing to report
    if (r.val_loss.back() > 0) std::snprintf(val, sizeof val, "; validation loss at the start %.3e", r.initial_val_loss);
    std::printf("force-matching start: %ld equations, relative force residual %.3g, %.1f s%s\n", r.start.rows,
                r.start.fit_rel_residual, r.start.seconds, val);
  }
  save_bulk_pair_model(output, r.model, md.dump());
  if (!quiet)
    std::printf("wrote %s (noether-pair-models): %d epochs in %.1f s; train loss %.3e, validation loss %.3e\n",
                output.c_str(), o.epochs, seconds, r.train_loss.back(), r.val_loss.back());
}

}  // namespace noether
