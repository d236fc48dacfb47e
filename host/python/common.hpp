// python/common.hpp — shared pieces of the Python extension noether._core (nanobind): argument checks on NumPy
// arrays with errors that name the argument, zero-copy float64 results, the GIL-free call with a progress callback
// and Ctrl-C, and the registration functions of each area (one .cpp per area, docs/PYTHON.md).
#pragma once
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/io/npz.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/state.hpp"

namespace noether::py {

namespace nb = nanobind;

/// A bad argument: becomes noether.ArgumentError (a subclass of noether.Error and ValueError).
class ArgumentError : public Error {
 public:
  using Error::Error;
};
/// A missing input file: becomes noether.FileNotFoundError (noether.Error and the built-in FileNotFoundError).
class MissingFile : public Error {
 public:
  using Error::Error;
};

/// Any array-like argument; shape, dtype and layout are checked by check_array (so the errors name it).
using AnyArray = nb::ndarray<nb::ro, nb::device::cpu>;

/// A checked float32/float64 C-contiguous array converted to float64 (the engine's host precision).
struct Checked {
  std::vector<std::size_t> shape;
  std::vector<double> data;
  bool float32 = false;
};

/// Check `a` (named `name` in errors): dtype float32 or float64, C-contiguous, ndim in `ndims`.
Checked check_array(const AnyArray& a, const char* name, std::initializer_list<int> ndims);

/// A writable NumPy float64 array (or float32 when as_float32: converted) that owns `data`, without a copy for
/// float64 (python/numpy_out.cpp).
nb::object to_numpy(std::vector<double>&& data, const std::vector<std::size_t>& shape, bool as_float32 = false);

/// A pair law for rollouts and forces (analytic, learned MLP or table), bound as noether._core.PairLaw.
struct PairLaw {
  PairLawSpec spec;
  std::string name;  ///< for messages and repr: "linear_spring", "learned MLP 1-10-10-1", "table (257 knots)"
};

/// An initial state from arrays: positions/velocities (N, D) or (B, N, D), masses (N) or (B, N); validated
/// (shapes, finiteness, masses > 0) with errors naming the arguments. Sets `float32` when positions are float32.
InitialState initial_state_from_arrays(const AnyArray& positions, const AnyArray& velocities, const AnyArray& masses,
                                       bool* float32 = nullptr);

/// The arrays of a trajectory (io/trajectory.hpp order) as [(name, ndarray)], float32 where the file has float32.
nb::list trajectory_arrays(Trajectory&& t);

/// Throws MissingFile when `path` does not exist ("<what> 'path': no such file").
void require_file(const std::string& path, const char* what);

/// Runs `work` with the GIL released. `report(done, total)`, which `work` calls from the calling thread, takes the
/// GIL at most every 50 ms (and at done == total): it checks for Ctrl-C (PyErr_CheckSignals) and calls the
/// Python `progress(done, total)` callback when one is given. A signal or an exception raised by the callback
/// stops the work (an exception through the C++ stack, which unwinds cleanly) and is re-raised in Python.
class GilFreeCall {
 public:
  explicit GilFreeCall(nb::object progress) : progress_(std::move(progress)) {}
  void run(const std::function<void(const std::function<void(long, long)>& report)>& work);

 private:
  nb::object progress_;
  std::chrono::steady_clock::time_point last_{};
};

// One registration function per area (host/python/<area>.cpp).
void register_errors(nb::module_& m);
void register_numpy_out(nb::module_& m);
void register_npz(nb::module_& m);
void register_simulate(nb::module_& m);
void register_model(nb::module_& m);
void register_train(nb::module_& m);
void register_evaluate(nb::module_& m);
void register_run(nb::module_& m);
void register_hnn(nb::module_& m);
void register_hnn_data(nb::module_& m);
void register_bulk(nb::module_& m);

}  // namespace noether::py
