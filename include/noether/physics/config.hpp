// physics/config.hpp — the simulation config (JSON) as plain structs. Parsing lives in io/simulation_config.hpp so
// that nlohmann/json never reaches nvcc. Every key is documented in docs/CONFIG.md.
#pragma once
#include <string>

#include "noether/core/device.hpp"
#include "noether/physics/bulk.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/state.hpp"

namespace noether {

enum class IntegratorMethod { Verlet, RK4, RK45 };

struct IntegratorSpec {
  IntegratorMethod method = IntegratorMethod::Verlet;
  double dt = 0.01;    ///< step (Verlet, RK4) or first trial step (RK45)
  long stride = 1;     ///< integration steps per saved frame; saved-frame spacing is dt·stride
  int frames = 2;      ///< saved frames including the initial one
  double rtol = 1e-9;  ///< RK45 only
  double atol = 1e-9;  ///< RK45 only
};

struct SimulationConfig {
  std::string source;  ///< the config file's path (for error messages and relative paths)
  PairLawSpec law;
  InitialState init;
  IntegratorSpec integrator;
  bool float32 = false;
  DeviceChoice device = DeviceChoice::Auto;
  std::string output;  ///< optional default output path
  BulkSpec bulk;       ///< box / cutoffs / species / neighbor lists (bulk.enabled = false: open space, all pairs)
};

}  // namespace noether
