// run/mclnn_config.hpp — the "train" section of training and experiment configs (docs/TRAINING.md) parsed
// into MclnnTrainOptions, with errors naming the file and key. Host-only.
#pragma once
#include "noether/io/json_config.hpp"
#include "noether/mclnn/train.hpp"

namespace noether {

/// Parse a "train" object over the defaults of MclnnTrainOptions.
MclnnTrainOptions parse_train_section(const cfg::json& v, const cfg::Ctx& ctx);

/// Every key parse_train_section accepts (documentation and tests).
const std::vector<std::string>& train_section_keys();

}  // namespace noether
