// run/bulk_config.hpp — the config of `noether run` for the bulk generalization experiment (issue 18; top-level
// "task": "bulk_generalization"; keys in docs/EXPERIMENTS.md "Bulk generalization"). Every simulation of the
// experiment is an ordinary simulation config (io/simulation_config.hpp) composed from the shared sections ("system",
// "species", "neighbor", "rdf", "precision") and the phase's own ("initial_state", "integrator", the equilibration's
// "thermostat"); all of them are parsed while loading, so every config error comes before any work.
#pragma once
#include <string>
#include <vector>

#include "noether/io/json_config.hpp"
#include "noether/mclnn/train.hpp"
#include "noether/physics/config.hpp"

namespace noether {

/// One size the learned law is rolled out at.
struct BulkRunCase {
  std::string name;
  cfg::json initial_state;  ///< the case's "initial_state" section
  cfg::json integrator;     ///< the production run's "integrator" section (NVE)
  bool truth = true;        ///< also run the true law from the same state and compare
  bool equilibrate = true;  ///< prepare the state with the true law and the thermostat first
};

struct BulkRunConfig {
  std::string source;     ///< the config file, for messages
  std::string description;
  cfg::json system;       ///< the true pair law(s), as a simulation config's "system"
  cfg::json shared;       ///< the optional sections every simulation gets: species, neighbor, precision, device
  double rdf_r_max = 0;   ///< "rdf": {"r_max", "bins"}: g(r) of every saved frame over [0, r_max) (required)
  int rdf_bins = 100;
  BulkSpec truth;         ///< the true laws and cutoffs per species pair, as parsed from "system" (S = truth.species_count)
  cfg::json thermostat;   ///< the equilibration's thermostat section (Bussi or Langevin)
  int equilibrate_steps = 2000;
  double equilibrate_dt = 0.005;
  cfg::json train_initial_state, train_integrator;  ///< the training data's state and NVE run
  MclnnTrainOptions train;  ///< the bulk trainer's options (run/train_bulk.hpp)
  double skin = 0.3;        ///< the neighbor-list skin of training
  bool rollout_table = true;   ///< roll out the learned law as tables ("learned_law": "table") or the MLPs ("model")
  double table_tolerance = 1e-7;
  std::vector<BulkRunCase> cases;  ///< in order of increasing particle count
};

/// True when the JSON root of a `noether run` config has "task": "bulk_generalization".
bool is_bulk_run_config(const std::string& path);

/// Read and check a bulk generalization config: every key, and every simulation it will run (composed and parsed
/// as a simulation config, errors naming the file and "<section>: key"); throws noether::Error.
BulkRunConfig load_bulk_run_config(const std::string& path);

/// The simulation config of one phase (without "rdf": the experiment computes g(r) itself, physics/trajectory_analysis.hpp):
/// the shared sections, `system` (the true law or {"potential": "file", …}),
/// and the phase's initial_state and integrator; with_thermostat adds the equilibration's thermostat.
cfg::json bulk_phase_json(const BulkRunConfig& c, const cfg::json& system, const cfg::json& initial_state,
                          const cfg::json& integrator, bool with_thermostat);

/// The equilibration's integrator: verlet, equilibrate_dt, one stride of equilibrate_steps, 2 frames.
cfg::json bulk_equilibration_integrator(const BulkRunConfig& c);

}  // namespace noether
