// mclnn/train.hpp — training the MCLNN pair potential V_θ(r) from positions (paper 000, Eq. 6) on the
// CPU or the GPU: mini-batches of trajectory segments, the exact Verlet adjoint (mclnn/verlet_adjoint.hpp on the
// CPU, mclnn/cuda.hpp on the GPU), Adam on the host, a train/validation split by trajectory, a CSV log,
// and checkpoints that resume bit-exactly.
//
// Defaults (docs/TRAINING.md explains each): hidden [10, 10] squareplus and lr 1e-3 from the paper's
// appendix A.6; stride 10 Verlet steps per saved frame (A.6: dt 0.01, stride 10); the rest measured.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "noether/nn/activations.hpp"
#include "noether/mclnn/dataset.hpp"
#include "noether/io/model_file.hpp"

namespace noether {

/// How the parameters start (docs/TRAINING.md): Glorot-uniform from the seed, or the force-matching start
/// (mclnn/force_match_start.hpp: stencil accelerations → linear least-squares dV/dr → the MLP pre-fitted to it).
enum class MclnnInit { Random, ForceMatch };
/// The input scaling of a new pair model over the training distances `range` (mclnn/dataset.hpp): x spans about
/// [−1, 1] over [min, upper] for g = r, over [log min, log upper] for g = log r (scale at least 1e-3 of either).
AffineScaling pair_input_scaling(const DistanceRange& range, InputTransform input);

const char* mclnn_init_name(MclnnInit i);                       ///< "random" | "force-match"
bool parse_mclnn_init(const std::string& name, MclnnInit& out); ///< false for an unknown name

/// The polish after Adam (docs/TRAINING.md): L-BFGS on the loss and its gradient (nn/lbfgs.hpp), Levenberg–Marquardt
/// on the segments' residuals and their exact Jacobian (nn/levenberg_marquardt.hpp, mclnn/verlet_tangent.hpp), or auto:
/// Levenberg–Marquardt up to kLmMaxParameters parameters, L-BFGS above.
enum class PolishMethod { Lbfgs, Lm, Auto };
const char* polish_method_name(PolishMethod m);                        ///< "lbfgs" | "lm" | "auto"
bool parse_polish_method(const std::string& name, PolishMethod& out);  ///< false for an unknown name

/// The most parameters the Levenberg–Marquardt polish takes (its normal equations hold P² doubles per chunk, 8 chunks).
constexpr int kLmMaxParameters = 1200;

struct MclnnTrainOptions {
  std::vector<int> hidden = {10, 10};          ///< hidden widths of V_θ (A.6)
  Activation activation = Activation::Squareplus;
  /// What the network sees of r (physics/pair_mlp.hpp): log (x = (log r − shift)/scale over [log min, log upper])
  /// or none (x = (r − shift)/scale over [min, upper]) of the training distances (pair_input_scaling).
  InputTransform input_transform = InputTransform::None;
  /// After Adam (and the plateau rule's choice of epoch): at most this many L-BFGS iterations on the full-batch training
  /// loss (nn/lbfgs.hpp; 0 = none), kept when they lower the validation loss (docs/TRAINING.md "The L-BFGS polish").
  int polish = 0;
  /// What the polish runs: L-BFGS (iterations = line searches), Levenberg–Marquardt (iterations = damped Gauss–Newton
  /// solves; on the CPU, also with cuda; P² doubles of memory per chunk, so P ≤ kLmMaxParameters, else an error) or
  /// auto (Levenberg–Marquardt when P ≤ kLmMaxParameters, else L-BFGS; the metadata says which ran).
  PolishMethod polish_method = PolishMethod::Lbfgs;
  int stride = 10;           ///< Verlet steps per saved frame: dt = frame spacing / stride (A.6)
  int horizon = 1;           ///< saved frames predicted from each data state (Eq. 6's t+1 … t+n)
  int epochs = 3000;         ///< passes over the training segments
  int batch_size = 64;       ///< segments per Adam step (0 = all training segments)
  double lr = 1e-3;          ///< Adam learning rate (A.6)
  double lr_final = 1e-5;    ///< cosine decay from lr to lr_final over the epochs
  double weight_decay = 0.0;
  double clip_norm = 0.0;    ///< global gradient-norm clipping (0 = off)
  double val_fraction = 0.1; ///< share of trajectories held out for validation
  std::uint64_t seed = 100;  ///< initialisation, split and shuffles (A.6's seed)
  int threads = 0;           ///< OpenMP threads (0 = all); results do not depend on it
  bool cuda = false;         ///< segment losses and gradients on the GPU (mclnn/cuda.hpp; Adam stays on the
                             ///< host); same results as the CPU to round-off. The CLI resolves --device.
  std::string log_csv;       ///< per-epoch CSV log (empty = none)
  std::string checkpoint;    ///< checkpoint file written every checkpoint_every epochs (empty = none)
  int checkpoint_every = 100;
  std::string resume;        ///< checkpoint to resume from (empty = fresh start)
  double time_budget_s = 0;  ///< > 0: fewer epochs when one timed epoch says o.epochs would not fit, and a hard
                             ///< stop past it (0 = off); recorded in the model's metadata when used
  /// Validation-plateau stop (0 = off; needs validation trajectories, val_fraction > 0). The validation loss
  /// L_e is computed after every epoch e; an epoch *improves* when L_e < L_ref·(1 − min_delta), L_ref being
  /// the validation loss of the last improving epoch (the first epoch always improves). Training stops
  /// after `patience` epochs in a row without an improvement, or at `epochs` (the cap), and the parameters
  /// of the epoch with the lowest validation loss (any decrease, not only an improvement) are restored; after the
  /// force-matching start the start itself is a candidate (epoch 0), kept when no epoch beats it.
  /// Deterministic: a function of the data and options only, never of the clock.
  int patience = 0;
  double min_delta = 0.0;    ///< relative improvement that resets the patience counter (>= 0)
  /// The law beyond the trained range, written into the model's "tail" (physics/pair_tail.hpp): none (default: the
  /// raw network), zero (switched off over the last tenth of the support) or power (A r^-n matched at the support's
  /// upper end). Not part of training (the loss sees the raw network) nor of the checkpoint fingerprint.
  TailPolicy tail = TailPolicy::None;
  /// Random here (noether run's experiments and the goldens keep their numbers); `noether train` defaults to
  /// ForceMatch. With ForceMatch and fewer than 3 frames per trajectory training starts from Random instead,
  /// with a note (MclnnTrainResult::init_note, metadata.training.init.note). Part of the checkpoint fingerprint.
  MclnnInit init = MclnnInit::Random;
};

/// What one epoch reports to the caller (progress display).
/// During the L-BFGS polish (opt.polish > 0) it is called after every loss evaluation with epoch = epochs, train_loss
/// the full-batch loss just evaluated, val_loss Adam's, lr 0 and polish_evaluation = 1, 2, ….
struct EpochReport {
  int epoch, epochs;
  double train_loss, val_loss, lr, seconds;
  long polish_evaluation = 0;  ///< 0 during the Adam epochs
};

struct MclnnTrainResult {
  ModelFile model;           ///< the trained model, with scaling and training metadata
  double train_loss = 0, val_loss = 0;
  int epochs = 0;
  double seconds = 0;
  bool stopped_by_time_budget = false;  ///< ran past time_budget_s and stopped before the planned epochs
  std::string stop_reason;   ///< "epochs" (the cap), "plateau" (patience) or "time_budget"
  int best_epoch = 0;        ///< with patience: the epoch (1-based; 0 = the force-matching start) whose parameters the
                             ///< model holds; else 0
  /// The L-BFGS polish (opt.polish > 0): loss before and after, and whether its parameters were kept.
  bool polished = false, polish_kept = false;
  double polish_train_before = 0, polish_train_after = 0, polish_val_before = 0, polish_val_after = 0;
  long polish_evaluations = 0;
  std::string polish_stop;
  std::string polish_method;  ///< the method that ran: "lbfgs" | "lm" (auto resolved)
  std::string tail_note;     ///< non-empty when the tail policy asked for could not be used (what was written instead)
  std::string init_note;     ///< non-empty when the force-matching start was asked for but could not be used
};

/// The state a checkpoint (written by train_mclnn every checkpoint_every epochs) restores.
struct MclnnCheckpoint {
  int epochs = 0;            ///< epochs of the run the checkpoint belongs to
  int epoch = 0;             ///< epochs done, in [0, epochs]
  std::vector<double> params;
  std::uint64_t rng = 0;     ///< shuffle generator state after `epoch` shuffles
  long adam_t = 0;           ///< Adam steps done
  std::vector<double> adam_m, adam_v;
  // The validation-plateau state (options with patience > 0 and epoch > 0: key "best"): the lowest validation
  // loss, its epoch and parameters, and the last improving (reference) epoch and its loss.
  bool has_best = false;
  int best_epoch = 0, ref_epoch = 0;
  double best_val_loss = 0, ref_val_loss = 0;
  std::vector<double> best_params;
  std::string stop_reason;   ///< "" (still running), "plateau" or "time_budget"
};

/// Read and check a checkpoint for a run with options `o` (same fingerprint), a model of `param_count`
/// parameters and `steps_per_epoch` Adam steps per epoch; throws noether::Error naming the file and key.
MclnnCheckpoint load_mclnn_checkpoint(const std::string& path, const MclnnTrainOptions& o, std::size_t param_count,
                                      long steps_per_epoch);

/// Train on `data`. Throws noether::Error on bad options or data (before any training starts).
MclnnTrainResult train_mclnn(const TrajectoryData& data, const MclnnTrainOptions& opt,
                             const std::function<void(const EpochReport&)>& on_epoch = {});

/// Mean segment loss (Eq. 6) of a model over the given segments (no gradient), float64.
double mclnn_loss(const ModelFile& model, const TrajectoryData& data, const std::vector<Segment>& segments, int stride,
                  int horizon);

}  // namespace noether
