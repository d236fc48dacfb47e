// mclnn/bulk_train.hpp — training species-pair MCLNN potentials on bulk data (periodic box, cutoff, species;
// docs/BULK_TRAINING.md): Glorot or the force-matching start (mclnn/bulk_force_match.hpp), then mini-batches of
// segments → bulk_segment_loss_and_grad_cpu (mclnn/bulk_adjoint.hpp) → Adam
// with the cosine schedule, a train/validation split by trajectory. CPU, float64, deterministic for any thread count
// (fixed gradient lanes as in mclnn/train.cpp). The model is returned in memory; no model-file section yet.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "noether/mclnn/bulk_dataset.hpp"
#include "noether/mclnn/bulk_force_match.hpp"
#include "noether/mclnn/train.hpp"
#include "noether/nn/activations.hpp"
#include "noether/nn/mlp_layout.hpp"
#include "noether/physics/cutoff.hpp"
#include "noether/physics/pair_mlp.hpp"

namespace noether {

struct BulkTrainOptions {
  std::vector<int> hidden = {10, 10};  ///< hidden widths of every species-pair network
  Activation activation = Activation::Squareplus;
  CutoffSpec cutoff;         ///< r_c and smoothing of every species pair; when inactive, the data's per-pair
                             ///< cutoffs (keys `cutoff`, `r_on`, `smoothing`) if it has them, else none.
                             ///< A periodic box needs one.
  double skin = 0.3;         ///< pair-list margin of a segment (a particle must move < skin/2 within a segment)
  int stride = 10;           ///< Verlet steps per saved frame
  int horizon = 1;           ///< saved frames predicted from each data state
  int epochs = 100;
  int batch_size = 64;       ///< segments per Adam step (0 = all)
  double lr = 1e-3, lr_final = 1e-5;  ///< cosine decay per Adam step over the epochs
  double val_fraction = 0.1;
  std::uint64_t seed = 100;
  /// Random: Glorot per pair. ForceMatch: Glorot, then the force-matching start over the training trajectories
  /// (mclnn/bulk_force_match.hpp); data with fewer than 3 frames fall back to Random with init_note set.
  MclnnInit init = MclnnInit::Random;
  ForceMatchOptions force_match;   ///< step 2 of the start
  SlopePrefitOptions prefit;       ///< step 3 (its cutoff is each pair's own)
  int prefit_points = 256;
};

/// A trained set of species-pair potentials: pair p (species_pair_index order) is the MLP `shape` with parameters
/// params[p·n, (p+1)·n), n = shape.parameter_count(), input/output scaling scalings[p] and cutoff pair_cutoffs[p].
struct BulkPairModel {
  MlpShape shape;
  int S = 1;
  std::vector<double> params;
  std::vector<PairScaling> scalings;          ///< (S(S+1)/2)
  std::vector<CutoffSpec> pair_cutoffs;       ///< (S(S+1)/2)
  std::vector<DistanceRange> ranges;          ///< (S(S+1)/2): training distances below the largest r_c per species pair
  const std::vector<CutoffSpec>& cutoffs() const { return pair_cutoffs; }
};

struct BulkTrainResult {
  BulkPairModel model;
  std::vector<double> train_loss, val_loss;   ///< per epoch (train: mean over the epoch's mini-batches before each step)
  MclnnInit init = MclnnInit::Random;         ///< the start actually used
  BulkForceMatchStartReport start;            ///< the force-matching start's report (init == ForceMatch)
  std::string init_note;                      ///< why the force-matching start fell back to random, else empty
  double initial_val_loss = 0;                ///< validation loss of the starting parameters
};

/// Train on `data`. Throws noether::Error on bad options (naming the option) or data.
BulkTrainResult train_bulk_mclnn(const BulkTrajectoryData& data, const BulkTrainOptions& opt);

/// Mean segment loss of `model` over `segments` (no gradient).
double bulk_mclnn_loss(const BulkPairModel& model, const BulkTrajectoryData& data, const std::vector<Segment>& segments,
                       int stride, int horizon, double skin);

}  // namespace noether
