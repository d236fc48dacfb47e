// run/mclnn_config.cpp — parsing the "train" section (run/mclnn_config.hpp).
#include "run/mclnn_config.hpp"

#include <algorithm>

namespace noether {

using namespace cfg;

const std::vector<std::string>& train_section_keys() {
  static const std::vector<std::string> keys = {
      "hidden", "activation", "stride", "horizon", "epochs", "batch_size", "lr", "lr_final", "weight_decay",
      "clip_norm", "val_fraction", "seed", "threads", "checkpoint_every", "time_budget_s", "patience",
      "min_delta", "tail", "init", "input_transform", "polish", "polish_method"};
  return keys;
}

MclnnTrainOptions parse_train_section(const json& v, const Ctx& ctx, const MclnnTrainOptions& base) {
  check_keys(v, ctx, train_section_keys());
  MclnnTrainOptions o = base;
  if (v.contains("hidden")) {
    const json& h = v.at("hidden");
    NOETHER_REQUIRE(h.is_array() && !h.empty(), ctx.sub("hidden").where() << ": expected a non-empty list of widths, got " << h.dump());
    o.hidden.clear();
    for (const auto& w : h) {
      NOETHER_REQUIRE(w.is_number_integer() && w.get<long>() >= 1 && w.get<long>() <= 64,
                      ctx.sub("hidden").where() << ": widths must be integers in [1, 64], got " << w.dump());
      o.hidden.push_back(w.get<int>());
    }
  }
  const std::string act = get_choice(v, ctx, "activation", activation_name(o.activation), {"squareplus", "softplus", "tanh"});
  parse_activation(act, o.activation);
  o.stride = int(get_int(v, ctx, "stride", o.stride, 1, 2147483647));
  o.horizon = int(get_int(v, ctx, "horizon", o.horizon, 1, 2147483647));
  o.epochs = int(get_int(v, ctx, "epochs", o.epochs, 1, 100000000));
  o.batch_size = int(get_int(v, ctx, "batch_size", o.batch_size, 0, 2147483647));
  o.lr = get_number(v, ctx, "lr", o.lr, true);
  o.lr_final = get_number(v, ctx, "lr_final", o.lr_final);
  NOETHER_REQUIRE(o.lr_final >= 0 && o.lr_final <= o.lr, ctx.sub("lr_final").where() << ": expected a value in [0, lr]");
  o.weight_decay = get_number(v, ctx, "weight_decay", o.weight_decay);
  NOETHER_REQUIRE(o.weight_decay >= 0, ctx.sub("weight_decay").where() << ": expected a value >= 0");
  o.clip_norm = get_number(v, ctx, "clip_norm", o.clip_norm);
  NOETHER_REQUIRE(o.clip_norm >= 0, ctx.sub("clip_norm").where() << ": expected a value >= 0 (0 = off)");
  o.val_fraction = get_number(v, ctx, "val_fraction", o.val_fraction);
  NOETHER_REQUIRE(o.val_fraction >= 0 && o.val_fraction < 1, ctx.sub("val_fraction").where() << ": expected a value in [0, 1)");
  o.seed = get_uint64(v, ctx, "seed", o.seed);
  o.threads = int(get_int(v, ctx, "threads", o.threads, 0, 4096));
  o.checkpoint_every = int(get_int(v, ctx, "checkpoint_every", o.checkpoint_every, 1, 2147483647));
  o.time_budget_s = get_number(v, ctx, "time_budget_s", o.time_budget_s);
  NOETHER_REQUIRE(o.time_budget_s >= 0, ctx.sub("time_budget_s").where() << ": expected seconds >= 0 (0 = off)");
  o.patience = int(get_int(v, ctx, "patience", o.patience, 0, 100000000));
  o.polish = int(get_int(v, ctx, "polish", o.polish, 0, 100000000));
  parse_polish_method(get_choice(v, ctx, "polish_method", polish_method_name(o.polish_method), {"auto", "lm", "lbfgs"}),
                      o.polish_method);
  parse_tail_policy(get_choice(v, ctx, "tail", tail_policy_name(o.tail), tail_policy_names()), o.tail);
  o.min_delta = get_number(v, ctx, "min_delta", o.min_delta);
  parse_mclnn_init(get_choice(v, ctx, "init", mclnn_init_name(o.init), {"random", "force-match"}), o.init);
  parse_input_transform(get_choice(v, ctx, "input_transform", input_transform_name(o.input_transform),
                                   input_transform_names()),
                        o.input_transform);
  NOETHER_REQUIRE(o.min_delta >= 0 && o.min_delta < 1, ctx.sub("min_delta").where() << ": expected a value in [0, 1)");
  if (o.patience > 0 && o.val_fraction == 0) {
    NOETHER_REQUIRE(!v.contains("patience"), ctx.sub("patience").where()
                                                 << ": patience " << o.patience << " stops on the validation loss, but "
                                                 << ctx.sub("val_fraction").path
                                                 << " is 0 (no validation trajectories); give val_fraction > 0 or patience 0");
    o.patience = 0;  // the default plateau stop has nothing to watch
  }
  return o;
}

TrainConfig load_train_config(const std::string& path, const MclnnTrainOptions& base) {
  const json root = read_json_file(path);
  const Ctx ctx{path, ""};
  check_keys(root, ctx, {"description", "model", "data", "output", "train"});
  TrainConfig c;
  c.train = base;
  if (root.contains("model")) c.model = get_choice(root, ctx, "model", "mclnn", {"mclnn"});
  c.data = get_string(root, ctx, "data", "");
  c.output = get_string(root, ctx, "output", "");
  if (root.contains("train")) {
    c.has_train = true;
    c.train = parse_train_section(root.at("train"), ctx.sub("train"), base);
  }
  return c;
}

MclnnTrainOptions train_command_defaults() {
  MclnnTrainOptions t;
  t.patience = kTrainCommandPatience;
  t.min_delta = kTrainCommandMinDelta;
  t.init = MclnnInit::ForceMatch;  // the force-matching start (issue 16): measured in docs/EXPERIMENTS.md
  t.epochs = kTrainCommandForceMatchEpochs;
  t.input_transform = InputTransform::Log;  // the network sees log r (issue 16): measured on the zoo (docs/EXPERIMENTS.md)
  t.polish = kTrainCommandPolish;           // the polish after Adam (issue 16): measured on the zoo (docs/EXPERIMENTS.md)
  t.polish_method = kTrainCommandPolishMethod;
  t.horizon = kTrainCommandHorizon;
  return t;
}

std::string fit_default_horizon(MclnnTrainOptions& t, bool horizon_given, int frames) {
  if (horizon_given || t.horizon < frames) return "";
  const int was = t.horizon;
  t.horizon = std::max(1, frames - 1);
  return "the data have " + std::to_string(frames) + " frames per trajectory: horizon " + std::to_string(t.horizon) +
         " instead of the default " + std::to_string(was);
}

void apply_start_epoch_cap(MclnnTrainOptions& t, bool epochs_given) {
  if (t.init == MclnnInit::Random && !epochs_given) t.epochs = MclnnTrainOptions{}.epochs;
}

}  // namespace noether
