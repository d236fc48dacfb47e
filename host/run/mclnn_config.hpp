// run/mclnn_config.hpp — the "train" section of training and experiment configs (docs/TRAINING.md) parsed
// into MclnnTrainOptions, with errors naming the file and key. Host-only.
#pragma once
#include <string>
#include <vector>

#include "noether/io/json_config.hpp"
#include "noether/mclnn/train.hpp"

namespace noether {

/// Parse a "train" object over `base` (the defaults of MclnnTrainOptions for `noether run`; `noether train`
/// passes its own no-config defaults, with the validation-plateau stop on). A `patience` > 0 given in the
/// section with `val_fraction` 0 is an error naming both keys; a patience that comes from `base` is turned
/// off by a `val_fraction` of 0 (there is nothing to watch).
MclnnTrainOptions parse_train_section(const cfg::json& v, const cfg::Ctx& ctx,
                                      const MclnnTrainOptions& base = MclnnTrainOptions{});

/// The defaults of `noether train` and of Python's noether.train_mclnn (one definition, so both train the same model
/// from the same options): the struct's, with the validation-plateau stop on (patience 200 epochs, relative min_delta
/// 1e-3) and the force-matching start (MclnnInit::ForceMatch) followed by at most kTrainCommandForceMatchEpochs epochs.
constexpr int kTrainCommandPatience = 200;
constexpr double kTrainCommandMinDelta = 1e-3;
/// The epoch cap after the force-matching start; 100 measured on the zoo (docs/EXPERIMENTS.md "The potential zoo"):
/// past it the error hardly moves and 2 minutes are exceeded. The random start keeps the struct's 3000.
constexpr int kTrainCommandForceMatchEpochs = 100;
/// L-BFGS iterations after Adam (MclnnTrainOptions::polish); 200 measured on the zoo (docs/EXPERIMENTS.md "The L-BFGS
/// polish"): on noise-free data the training loss ends 1–760× (median 5×) below Adam's; on noisy data ~1% lower (the
/// noise floor).
constexpr int kTrainCommandPolish = 200;
/// The polish method: auto, i.e. Levenberg–Marquardt up to kLmMaxParameters network parameters (docs/EXPERIMENTS.md "The
/// Levenberg–Marquardt polish": every noise-free zoo row to ≤ 0.3%), L-BFGS above.
constexpr PolishMethod kTrainCommandPolishMethod = PolishMethod::Auto;
/// Saved frames predicted from each data state: 3 (docs/EXPERIMENTS.md "The Levenberg–Marquardt polish": with position
/// noise the longer horizon lets the force's t² grow against the noise; the noisy soft sphere 6.4% → below 2%).
/// Data with fewer frames get frames − 1 (fit_default_horizon).
constexpr int kTrainCommandHorizon = 3;
MclnnTrainOptions train_command_defaults();
/// When the horizon was not given and the data have too few frames for it (T ≤ horizon): horizon = max(1, T − 1).
/// Returns a note saying so ("" when nothing changed).
std::string fit_default_horizon(MclnnTrainOptions& t, bool horizon_given, int frames);
/// Once the start is known: the random start gets the struct's epoch cap (3000) unless the epochs were given.
void apply_start_epoch_cap(MclnnTrainOptions& t, bool epochs_given);

/// A `noether train --config` file: {"description", "model", "data", "output", "train"} (docs/TRAINING.md).
struct TrainConfig {
  std::string model;      ///< "" when absent (the --model flag or its default decides)
  std::string data;       ///< "" when absent
  std::string output;     ///< "" when absent
  bool has_train = false; ///< the file has a "train" section (then `train` holds it over the defaults)
  MclnnTrainOptions train;
};

/// Read and check a training config, its "train" section parsed over `base` (parse_train_section); throws
/// noether::Error naming the file and key.
TrainConfig load_train_config(const std::string& path, const MclnnTrainOptions& base = MclnnTrainOptions{});

/// Every key parse_train_section accepts (documentation and tests).
const std::vector<std::string>& train_section_keys();

}  // namespace noether
