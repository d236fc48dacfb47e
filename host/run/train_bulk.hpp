// run/train_bulk.hpp — the bulk branch of `noether train` and of the bulk generalization experiment (run/bulk.hpp) (periodic box, cutoff, species; docs/BULK_TRAINING.md).
#pragma once
#include <string>

#include "noether/mclnn/bulk_dataset.hpp"
#include "noether/mclnn/train.hpp"
#include "noether/physics/cutoff.hpp"

namespace noether {

/// Whether `noether train` takes the bulk branch: the data has a box, several species or cutoffs, or --cutoff was given.
inline bool wants_bulk_training(const BulkTrajectoryData& d, const CutoffSpec& cutoff) {
  return d.box.present || d.S > 1 || !d.pair_cutoffs.empty() || cutoff.active();
}

/// Train species-pair potentials on `d` with the common options of `t` (hidden, activation, stride, horizon,
/// epochs, batch_size, lr, lr_final, val_fraction, seed) and write a "noether-pair-models" file to `output`.
void run_bulk_train(const BulkTrajectoryData& d, const MclnnTrainOptions& t, const CutoffSpec& cutoff, double skin,
                    const std::string& output, bool quiet);

}  // namespace noether
