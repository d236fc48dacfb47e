// physics/config.hpp — the simulation config (JSON) as plain structs. Parsing lives in host/io/simulation_config.cpp so
// that nlohmann/json never reaches nvcc. Every key is documented in docs/CONFIG.md.
#pragma once
#include <string>

#include "noether/physics/pair_laws.hpp"
#include "noether/physics/state.hpp"

namespace noether {

enum class IntegratorMethod { Verlet, RK4, RK45 };
enum class DeviceChoice { Auto, Cpu, Cuda };

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
};

/// Parse and validate a config file; throws noether::Error naming the file and key.
SimulationConfig load_simulation_config(const std::string& path);

/// Parse "auto" / "cpu" / "cuda"; `where` names the flag or key for the error.
DeviceChoice parse_device(const std::string& s, const std::string& where);

/// Whether work that can run on either device (training, benchmarks) goes to the GPU: cuda → true (an error
/// naming `where` when no CUDA device is usable), auto → true when one is usable, cpu → false.
bool train_on_cuda(DeviceChoice choice, const std::string& where);

/// The Levenshtein-nearest candidate to `word`, for "did you mean ...?" hints ("" if none is close).
std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace noether
