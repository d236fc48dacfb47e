// physics/simulate.hpp — ground-truth simulation of a config on the CPU or the GPU.
#pragma once
#include <functional>
#include <string>

#include "noether/physics/config.hpp"
#include "noether/physics/state.hpp"

namespace noether {

/// Called after each saved frame with (frames done, frames total).
using ProgressFn = std::function<void(int, int)>;

/// Which backend `choice` resolves to for this integrator: Auto = CUDA when a device is usable and
/// the method is Verlet (the GPU path), else CPU. Throws when Cuda is asked for but not possible.
DeviceChoice resolve_device(DeviceChoice choice, IntegratorMethod method);
/// As above, also for the law: a learned law goes to the GPU only where the backend can roll it out.
DeviceChoice resolve_device(DeviceChoice choice, IntegratorMethod method, const PairLawSpec& law);

/// The backend of a whole config: as above for open-space runs; a bulk run (cfg.bulk.enabled: box, cutoffs, species)
/// runs on the CPU (an explicit Cuda choice is an error until the GPU neighbor lists exist).
DeviceChoice resolve_device(const SimulationConfig& cfg);

/// Simulate cfg.init with cfg.law and cfg.integrator on `device` (Cpu or Cuda, already resolved).
/// Saved frame f is at time f · dt · stride. Throws noether::Error with the trajectory index, step
/// and time when the state becomes non-finite.
Trajectory simulate(const SimulationConfig& cfg, DeviceChoice device, const ProgressFn& progress = {});

}  // namespace noether
