// io/simulation_config.hpp — reading a simulation config (JSON, docs/CONFIG.md) into the plain structs of
// physics/config.hpp; every error names the file and the key path. The section parsers are shared with the
// configs that embed a simulation (the MCLNN experiment).
#pragma once
#include <string>

#include "noether/io/json_config.hpp"
#include "noether/physics/config.hpp"

namespace noether {

/// Parse and validate a config file; throws noether::Error naming the file and key.
SimulationConfig load_simulation_config(const std::string& path);

/// The same for a parsed JSON document (the Python API's dict configs); `source` names it in errors and relative
/// paths (an "initial_state" .npz) resolve next to it ("" or a bare name: the working directory).
SimulationConfig parse_simulation_config(const cfg::json& root, const std::string& source);

/// Refuse a run whose trajectory (positions, velocities, accelerations of B x frames x N x D in float64, plus the
/// observables) would not fit in the available memory, or whose stride x frames overflows, before anything is
/// allocated; `frames_name` names the culprit ("run.json: integrator.frames", "--steps").
void require_simulation_fits(const SimulationConfig& cfg, const std::string& frames_name);

namespace cfg {

// The sections of a simulation config (docs/CONFIG.md), for configs that embed them.
/// "initial_state": a .npz path, inline arrays or a sampler; relative paths resolve next to ctx.file.
InitialState parse_initial_state(const json& v, const Ctx& ctx);
/// "system": the pair law.
PairLawSpec parse_system(const json& v, const Ctx& ctx);
/// The bulk parts of a simulation config: "system" (law, "cutoff"/"smoothing"/"r_on", "pairs" per species pair),
/// "box", "species", "neighbor" (docs/FORMATS.md); sets cfg.law and cfg.bulk, and cfg.init's box and species.
/// cfg.init must be parsed first.
void parse_bulk(const json& root, const Ctx& ctx, SimulationConfig& cfg);
/// A pair law's cutoff keys "cutoff", "smoothing", "r_on" (none: no cutoff).
CutoffSpec parse_cutoff(const json& v, const Ctx& ctx);
/// "integrator": method, dt, stride, frames, tolerances.
IntegratorSpec parse_integrator(const json& v, const Ctx& ctx);
/// Under exact gravity two particles at one position are singular: error naming `where`. singular (S, S), S² values:
/// which species pairs have unsoftened gravity (their softening is given under laws_key, e.g. "system.pairs"); empty:
/// every pair (the one law of "system", softening key system.softening).
void check_no_coincident_particles(const InitialState& s, const std::string& where, const std::vector<char>& singular = {},
                                   const std::string& laws_key = "system.pairs");

}  // namespace cfg
}  // namespace noether
