// cli/train.cpp — `noether train --model mclnn --data DATA.npz -o MODEL.json [--config C.json] [flags]`.
// Flags override the config's "train" section, which overrides the defaults (docs/TRAINING.md).
// The defaults are deterministic: the force-matching start (--init force-match, mclnn/force_match_start.hpp), then at
// most kForceMatchEpochs epochs of the trajectory loss (3000 with --init random), stopped earlier on a validation-loss plateau
// (patience kDefaultPatience epochs, relative min_delta kDefaultMinDelta) with the best validation epoch's
// parameters kept; never by the clock unless --time-budget / time_budget_s is given.
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "run/train_bulk.hpp"
#include "noether/physics/config.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/mclnn/dataset.hpp"
#include "noether/mclnn/train.hpp"
#include "noether/io/model_file.hpp"
#include "run/progress.hpp"
#include "run/mclnn_config.hpp"

namespace noether {

namespace {
constexpr int kDefaultPatience = kTrainCommandPatience;  // run/mclnn_config.hpp: train_command_defaults
constexpr double kDefaultMinDelta = kTrainCommandMinDelta;
constexpr int kForceMatchEpochs = kTrainCommandForceMatchEpochs;
}  // namespace

void add_train_command(CLI::App& app) {
  struct Opts {
    std::string model = "mclnn", data, output, config, device = "auto", log, checkpoint, resume, tail, init, input_transform,
        polish_method;
    std::vector<int> hidden;
    int epochs = 0, horizon = 0, stride = 0, batch_size = 0, threads = 0, patience = 0, polish = 0;
    double lr = 0, val_fraction = 0, time_budget = 0, min_delta = 0;
    double cutoff = 0, r_on = 0, skin = 0.3;  // bulk data (docs/BULK_TRAINING.md)
    std::string smoothing = "switch";
    std::uint64_t seed = 0;
    bool quiet = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("train", "Learn a model from trajectories (.npz); writes a model file (JSON)");
  cmd->add_option("--model", o->model, "model kind: mclnn (pair potential V(r), trained on positions)");
  cmd->add_option("--data", o->data, "training trajectories (.npz: positions, velocities (B,T,N,D), masses, times)");
  cmd->add_option("-o,--output", o->output, "model file to write (JSON)");
  cmd->add_option("--config", o->config, "JSON with \"model\", \"data\", \"output\" and a \"train\" section");
  cmd->add_option("--epochs", o->epochs, "passes over the training segments (the cap; default " + std::to_string(kForceMatchEpochs) +
                  " after the force-matching start, 3000 with --init random)")->check(CLI::Range(1, 100000000));
  cmd->add_option("--hidden", o->hidden, "hidden widths, e.g. 10,10")->delimiter(',')->check(CLI::Range(1, 4096));
  cmd->add_option("--lr", o->lr, "Adam learning rate (cosine-decayed to lr_final)")->check(cli_check::positive_finite());
  cmd->add_option("--horizon", o->horizon,
                  "saved frames predicted from each data state (default " + std::to_string(kTrainCommandHorizon) +
                  ", or frames - 1 when the data have fewer; 1 for bulk data; docs/TRAINING.md)")
      ->check(CLI::Range(1, 2147483647));
  cmd->add_option("--stride", o->stride, "Verlet steps per saved frame (dt = frame spacing / stride)")->check(CLI::Range(1, 2147483647));
  cmd->add_option("--batch-size", o->batch_size, "segments per Adam step (0 = all)")->check(CLI::Range(0, 2147483647));
  cmd->add_option("--val-fraction", o->val_fraction, "share of trajectories held out for validation")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--seed", o->seed, "seed of initialisation, split and shuffles")->check(cli_check::uint64_text());
  cmd->add_option("--threads", o->threads, "CPU threads (0 = all); results do not depend on it")->check(CLI::Range(0, 4096));
  cmd->add_option("--log", o->log, "per-epoch loss log (CSV)");
  cmd->add_option("--checkpoint", o->checkpoint, "checkpoint file, rewritten every checkpoint_every epochs");
  cmd->add_option("--resume", o->resume, "resume from this checkpoint (same data and options)");
  cmd->add_option("--time-budget", o->time_budget,
                  "seconds: train fewer epochs when one timed epoch says all would not fit, and stop past it "
                  "(default 0 = off: the model then does not depend on the machine's speed)")
      ->check(cli_check::non_negative_finite());
  cmd->add_option("--patience", o->patience,
                  "stop after this many epochs without a relative validation-loss improvement of --min-delta and keep "
                  "the best validation epoch (default " + std::to_string(kDefaultPatience) + "; 0 = off)")
      ->check(CLI::Range(0, 100000000));
  cmd->add_option("--min-delta", o->min_delta, "relative validation-loss improvement that resets --patience (default 1e-3)")
      ->check(cli_check::non_negative_finite())
      ->check(CLI::Range(0.0, 0.999999));
  cmd->add_option("--device", o->device, "auto (the GPU when usable) | cpu | cuda: where losses and gradients run");
  cmd->add_option("--cutoff", o->cutoff, "bulk data: cutoff r_c of every species pair (default: the per-pair cutoffs `noether simulate` writes into the data)")
      ->check(cli_check::positive_finite());
  cmd->add_option("--r-on", o->r_on, "bulk data: start of the switching region (--smoothing switch; default 0.8 r_c)")
      ->check(cli_check::positive_finite());
  cmd->add_option("--smoothing", o->smoothing, "bulk data: switch (C², default) | shifted_force | none")
      ->check(CLI::IsMember({"switch", "shifted_force", "none"}));
  cmd->add_option("--skin", o->skin, "bulk data: pair-list margin of a training segment (default 0.3)")
      ->check(cli_check::positive_finite());
  cmd->add_option("--tail", o->tail,
                  "the law beyond the trained distances, written into the model: none (default: the network) | zero "
                  "(short-range: switched off over the last tenth of the support) | power (long-range: A r^-n matched "
                  "at its upper end) (docs/MODEL_FORMAT.md)");
  cmd->add_option("--init", o->init,
                  "how the parameters start: force-match (default: accelerations from the positions, dV/dr by linear "
                  "least squares, the network pre-fitted to it) | random (Glorot) (docs/TRAINING.md)");
  cmd->add_option("--input-transform", o->input_transform,
                  "what the network sees of the distance r: log (x = (log r - shift)/scale) | none (x = (r - shift)/scale) "
                  "(default " + std::string(input_transform_name(train_command_defaults().input_transform)) +
                  "; docs/TRAINING.md)");
  cmd->add_option("--polish", o->polish,
                  "after Adam, at most this many L-BFGS iterations on the full-batch training loss, kept when they lower "
                  "the validation loss (default " + std::to_string(train_command_defaults().polish) +
                  "; 0 = none; docs/TRAINING.md)")
      ->check(CLI::Range(0, 100000000));
  cmd->add_option("--polish-method", o->polish_method,
                  "what the polish runs: lm (Levenberg-Marquardt on the segments' residuals and their exact Jacobian, "
                  "at most " + std::to_string(kLmMaxParameters) + " parameters) | lbfgs (L-BFGS on the loss and its "
                  "gradient) | auto (lm when the network has at most " + std::to_string(kLmMaxParameters) +
                  " parameters, else lbfgs) (default " + std::string(polish_method_name(train_command_defaults().polish_method)) +
                  "; docs/TRAINING.md)");
  cmd->add_flag("-q,--quiet", o->quiet, "print nothing but errors");
  cmd->callback([o, cmd] {
    MclnnTrainOptions t = train_command_defaults();  // shared with Python's train_mclnn
    bool config_epochs = false;      // the config's train section sets the epochs itself
    bool config_input_transform = false;  // … or the input transform
    bool config_polish = false;           // … or the polish
    bool config_horizon = false;          // … or the horizon
    std::string model = o->model, data = o->data, output = o->output;
    if (!o->config.empty()) {
      const TrainConfig c = load_train_config(o->config, t);
      if (!c.model.empty()) model = c.model;
      if (data.empty()) data = c.data;
      if (output.empty()) output = c.output;
      if (c.has_train) t = c.train;
      const auto root = cfg::read_json_file(o->config);
      const auto train_has = [&](const char* key) {  // the config's train section sets `key` itself
        return root.contains("train") && root.at("train").is_object() && root.at("train").contains(key);
      };
      config_epochs = train_has("epochs");
      config_input_transform = train_has("input_transform");
      config_polish = train_has("polish") || train_has("polish_method");
      config_horizon = train_has("horizon");
    }
    NOETHER_REQUIRE(model == "mclnn", "--model: '" << model << "' is not trainable by this command yet; expected mclnn");
    NOETHER_REQUIRE(!data.empty(), "--data: missing; give the training trajectories (.npz)");
    NOETHER_REQUIRE(!output.empty(), "-o/--output: missing; give the model file to write");
    // auto = the GPU when one is usable (loss and gradient there; Adam on the host), else the CPU.
    t.cuda = train_on_cuda(parse_device(o->device, "--device"), "--device");
    // A flag overrides the config only when given (count), and a given flag has passed its validator above.
    const auto given = [&](const char* flag) { return cmd->count(flag) > 0; };
    if (given("--init"))
      NOETHER_REQUIRE(parse_mclnn_init(o->init, t.init),
                      "--init: unknown start '" << o->init << "'; expected one of force-match, random");
    apply_start_epoch_cap(t, config_epochs);  // the random start's cap
    if (given("--epochs")) t.epochs = o->epochs;
    if (!o->hidden.empty()) t.hidden = o->hidden;
    if (given("--lr")) t.lr = o->lr, t.lr_final = std::min(t.lr_final, o->lr);
    if (given("--horizon")) t.horizon = o->horizon;
    if (given("--stride")) t.stride = o->stride;
    if (given("--batch-size")) t.batch_size = o->batch_size;
    if (given("--val-fraction")) t.val_fraction = o->val_fraction;
    if (given("--seed")) t.seed = o->seed;
    if (given("--threads")) t.threads = o->threads;
    if (given("--time-budget")) t.time_budget_s = o->time_budget;
    if (given("--patience")) t.patience = o->patience;
    if (given("--min-delta")) t.min_delta = o->min_delta;
    if (given("--polish")) t.polish = o->polish;
    if (given("--polish-method"))
      NOETHER_REQUIRE(parse_polish_method(o->polish_method, t.polish_method),
                      "--polish-method: unknown method '" << o->polish_method << "'; expected one of auto, lm, lbfgs");
    if (given("--input-transform"))
      NOETHER_REQUIRE(parse_input_transform(o->input_transform, t.input_transform),
                      "--input-transform: unknown transform '" << o->input_transform << "'; expected one of "
                                                                << cfg::join(input_transform_names()));
    if (given("--tail"))
      NOETHER_REQUIRE(parse_tail_policy(o->tail, t.tail),
                      "--tail: unknown tail policy '" << o->tail << "'; expected one of none, zero, power");
    NOETHER_REQUIRE(t.val_fraction < 1, "--val-fraction: expected a value in [0, 1), got " << t.val_fraction);
    if (t.patience > 0 && t.val_fraction == 0) {
      NOETHER_REQUIRE(!given("--patience"), "--patience " << t.patience << " stops on the validation loss, but --val-fraction "
                                                          "(or the config's train.val_fraction) is 0: nothing is held "
                                                          "out; give --val-fraction > 0 or --patience 0");
      t.patience = 0;  // the default plateau stop has nothing to watch: the epoch cap alone stops
      if (!o->quiet) std::printf("note: no validation trajectories (val_fraction 0): no plateau stop, %d epochs\n", t.epochs);
    }
    t.log_csv = o->log, t.checkpoint = o->checkpoint, t.resume = o->resume;

    // Bulk data (a box or several species in the file, or --cutoff): species-pair networks, minimum image, cutoff.
    CutoffSpec cutoff;
    if (given("--cutoff")) {
      cutoff.cutoff = o->cutoff;
      cutoff.smoothing = o->smoothing == "switch" ? Smoothing::Switch
                         : o->smoothing == "shifted_force" ? Smoothing::ShiftedForce : Smoothing::None;
      cutoff.r_on = cutoff.smoothing == Smoothing::Switch ? (given("--r-on") ? o->r_on : 0.8 * o->cutoff) : 0.0;
    }
    BulkTrajectoryData bd = load_bulk_trajectory_data(data);  // the trajectory data plus box, species, cutoffs
    if (wants_bulk_training(bd, cutoff)) {
      for (const char* flag : {"--log", "--checkpoint", "--resume", "--time-budget", "--patience", "--min-delta", "--tail",
                               "--input-transform", "--polish", "--polish-method"})
        NOETHER_REQUIRE(!given(flag), flag << ": not available for bulk data yet (docs/BULK_TRAINING.md)");
      NOETHER_REQUIRE(!config_input_transform,
                      o->config << ": train.input_transform: not available for bulk data yet (docs/BULK_TRAINING.md)");
      NOETHER_REQUIRE(!config_polish, o->config << ": train.polish / train.polish_method: not available for bulk data yet (docs/BULK_TRAINING.md)");
      t.input_transform = InputTransform::None;  // species-pair networks take the distance itself
      t.polish = 0;                              // the bulk trainer has no polish yet
      // the bulk trainer's horizon stays 1 unless given (the open-space default 3 was measured on the zoo only)
      if (!given("--horizon") && !config_horizon) t.horizon = 1;
      NOETHER_REQUIRE(!t.cuda || o->device == "auto", "--device cuda: bulk training runs on the CPU only");
      // t.init as for open space: force-match by default (docs/BULK_TRAINING.md "The force-matching start"), with
      // the same epoch caps (kForceMatchEpochs after the start, 3000 from random).
      run_bulk_train(bd, t, cutoff, o->skin, output, o->quiet);
      return;
    }
    const TrajectoryData d = std::move(bd.traj);  // = load_trajectory_data(data): the same loader, read once
    const std::string horizon_note = fit_default_horizon(t, given("--horizon") || config_horizon, d.T);
    if (!horizon_note.empty() && !o->quiet) std::printf("note: %s\n", horizon_note.c_str());
    if (!o->quiet)
      std::printf("train mclnn on %s: %d trajectories x %d frames x %d particles x %dD, frame spacing %g, dt %g; "
                  "device %s\n",
                  data.c_str(), d.B, d.T, d.N, d.D, d.frame_dt, d.frame_dt / t.stride,
                  t.cuda ? cuda_device_description().c_str() : "cpu");
    MclnnTrainResult r;
    {
      Progress bar("train");
      r = train_mclnn(d, t, [&](const EpochReport& e) {
        char note[128];
        if (e.polish_evaluation > 0)
          std::snprintf(note, sizeof note, "polish, evaluation %ld: loss %.3e", e.polish_evaluation, e.train_loss);
        else
          std::snprintf(note, sizeof note, "loss %.3e  val %.3e  lr %.1e", e.train_loss, e.val_loss, e.lr);
        bar.update(e.epoch, e.epochs, note);
      });
    }
    save_model_file(output, r.model);
    if (!r.init_note.empty()) std::fprintf(stderr, "note: %s\n", r.init_note.c_str());
    if (!r.tail_note.empty()) std::fprintf(stderr, "warning: %s\n", r.tail_note.c_str());
    if (!o->quiet && r.stopped_by_time_budget)
      std::printf("note: %d of %d epochs fit in the time budget of %.0f s (--time-budget, --epochs)\n", r.epochs,
                  t.epochs, t.time_budget_s);
    if (!o->quiet && t.patience > 0)
      std::printf("stopped: %s after %d epochs; kept %s%d (lowest validation loss)\n",
                  r.stop_reason == "plateau" ? "validation-loss plateau" : r.stop_reason == "time_budget" ? "time budget" : "epoch cap",
                  r.epochs, r.best_epoch == 0 ? "the force-matching start, epoch " : "epoch ", r.best_epoch);
    if (!o->quiet && r.polished)
      std::printf("%s polish: %ld evaluations (%s); train loss %.3e -> %.3e, validation %.3e -> %.3e: %s\n",
                  r.polish_method == "lm" ? "Levenberg-Marquardt" : "L-BFGS", r.polish_evaluations, r.polish_stop.c_str(), r.polish_train_before, r.polish_train_after,
                  r.polish_val_before, r.polish_val_after, r.polish_kept ? "kept" : "not kept (validation loss higher)");
    if (!o->quiet)
      std::printf("wrote %s: %d epochs in %.1f s on the %s; train loss %.3e, validation loss %.3e\n", output.c_str(),
                  r.epochs, r.seconds, t.cuda ? "GPU" : "CPU", r.train_loss, r.val_loss);
  });
}

}  // namespace noether
