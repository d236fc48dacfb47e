// run/mclnn_config.hpp — the "train" section of training and experiment configs (docs/TRAINING.md) parsed
// into MclnnTrainOptions, with errors naming the file and key. Host-only.
#pragma once
#include "noether/io/json_config.hpp"
#include "noether/mclnn/train.hpp"

namespace noether {

/// Parse a "train" object over `base` (the defaults of MclnnTrainOptions for `noether run`; `noether train`
/// passes its own no-config defaults, with the validation-plateau stop on). A `patience` > 0 given in the
/// section with `val_fraction` 0 is an error naming both keys; a patience that comes from `base` is turned
/// off by a `val_fraction` of 0 (there is nothing to watch).
MclnnTrainOptions parse_train_section(const cfg::json& v, const cfg::Ctx& ctx,
                                      const MclnnTrainOptions& base = MclnnTrainOptions{});

/// Every key parse_train_section accepts (documentation and tests).
const std::vector<std::string>& train_section_keys();

}  // namespace noether
