// python/hnn.cpp — HnnModel (hnn/model.hpp: a Hamiltonian neural network H_θ(q, p) or its MLP baseline) on NumPy
// arrays: H_θ(x), the learned field (∂H/∂p, −∂H/∂q), RK45 / RK4 integration of that field (physics/ode.hpp),
// model files (io/model_file.hpp, kinds "hnn" / "mlp") and train_hnn (hnn/train.hpp), GIL released, with
// progress and Ctrl-C. Data sets and the true systems of the HNN tasks are in python/hnn_data.cpp.
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cmath>

#include "noether/core/device.hpp"
#include "noether/hnn/train.hpp"
#include "noether/io/json_config.hpp"
#include "noether/io/model_file.hpp"
#include "noether/nn/mlp.hpp"
#include "noether/physics/ode.hpp"
#include "python/hnn.hpp"

namespace noether::py {

namespace {

const char* kind_name(HnnModelKind k) { return k == HnnModelKind::Hnn ? "hnn" : "mlp"; }

/// The model file of a model (kind "hnn" or "mlp", no scaling; metadata kept).
ModelFile to_model_file(const HnnModelObject& o) {
  ModelFile f;
  f.source = o.source;
  f.model = kind_name(o.model.kind);
  f.shape = o.model.shape;
  f.params = o.model.params;
  f.metadata = o.metadata;
  return f;
}

HnnModelObject from_model_file(ModelFile&& f, const std::string& where) {
  if (f.model != "hnn" && f.model != "mlp")
    throw ArgumentError(where + ": model kind '" + f.model + "' is not an HNN model (expected 'hnn' or 'mlp'; "
                        "a pair potential 'mclnn' loads with PairPotentialModel.load)");
  if (!f.input_scaling.identity() || !f.output_scaling.identity())
    throw ArgumentError(where + ": input_scaling/output_scaling are not supported for HNN models (the engine's "
                        "HNN evaluates the MLP on raw (q, p))");
  if (f.shape.in() % 2 != 0) throw ArgumentError(where + ": an HNN model needs an even input width (q, p)");
  HnnModelObject o;
  o.model.kind = f.model == "hnn" ? HnnModelKind::Hnn : HnnModelKind::Baseline;
  o.model.shape = f.shape;
  o.model.params = std::move(f.params);
  o.metadata = std::move(f.metadata);
  o.source = std::move(f.source);
  return o;
}

/// States x (dim,) or (n, dim) → rows; `one` says whether a single state (dim,) was given.
Checked states(const AnyArray& x, const char* name, int dim, int* n, bool* one) {
  Checked c = check_array(x, name, {1, 2});
  const std::size_t last = c.shape.back();
  if (last != std::size_t(dim))
    throw ArgumentError(std::string(name) + ": expected shape (" + std::to_string(dim) + ",) or (n, " +
                        std::to_string(dim) + ") for states (q, p) of this model, got " + shape_str(c.shape));
  *one = c.shape.size() == 1;
  *n = *one ? 1 : int(c.shape[0]);
  if (*n < 1) throw ArgumentError(std::string(name) + ": expected at least one state, got shape " + shape_str(c.shape));
  for (double v : c.data)
    if (!std::isfinite(v)) throw ArgumentError(std::string(name) + ": expected finite values");
  return c;
}

nb::object hamiltonian(const HnnModelObject& o, const AnyArray& x) {
  if (o.model.kind != HnnModelKind::Hnn)
    throw ArgumentError("hamiltonian: this is an 'mlp' baseline model (it learns the field directly, no H); "
                        "use time_derivative");
  int n = 0;
  bool one = false;
  const Checked c = states(x, "x", o.model.shape.in(), &n, &one);
  std::vector<double> H(n);
  {
    nb::gil_scoped_release release;
    mlp_forward<double>(o.model.shape, o.model.params.data(), o.model.params.size(), c.data.data(), n, H.data());
  }
  if (one) return nb::float_(H[0]);
  return to_numpy(std::move(H), {std::size_t(n)}, c.float32);
}

nb::object time_derivative(const HnnModelObject& o, const AnyArray& x) {
  int n = 0;
  bool one = false;
  const Checked c = states(x, "x", o.model.shape.in(), &n, &one);
  std::vector<double> F(c.data.size());
  {
    nb::gil_scoped_release release;
    hnn_model_field(o.model, c.data.data(), n, F.data());
  }
  return to_numpy(std::move(F), c.shape, c.float32);
}

nb::object integrate(const HnnModelObject& o, const AnyArray& x0, const AnyArray& times, const std::string& method,
                     double rtol, double atol, long substeps, nb::object progress) {
  const int dim = o.model.shape.in();
  int S = 0;
  bool one = false;
  const Checked X = states(x0, "x0", dim, &S, &one);
  const Checked Tm = check_array(times, "times", {1});
  const std::vector<double>& t = Tm.data;
  if (t.empty()) throw ArgumentError("times: expected at least one time, got shape (0,)");
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!std::isfinite(t[i])) throw ArgumentError("times: expected finite values");
    if (i > 0 && !(t[i] > t[i - 1]))
      throw ArgumentError("times: expected strictly increasing values, got " + std::to_string(t[i - 1]) + " then " +
                          std::to_string(t[i]) + " at index " + std::to_string(i));
  }
  const bool rk45 = method == "rk45";
  if (!rk45 && method != "rk4") throw ArgumentError("method: expected 'rk45' or 'rk4', got '" + method + "'");
  if (rk45 && !(rtol > 0 && atol > 0 && std::isfinite(rtol) && std::isfinite(atol)))
    throw ArgumentError("rtol, atol: expected finite values > 0");
  if (!rk45 && substeps < 1) throw ArgumentError("substeps: expected >= 1, got " + std::to_string(substeps));
  const std::size_t T = t.size(), path = T * std::size_t(dim);
  std::vector<double> out(std::size_t(S) * path);
  const auto field = [&o](const double* x, double* f) { hnn_model_field(o.model, x, 1, f); };
  GilFreeCall call(std::move(progress));
  call.run([&](const std::function<void(long, long)>& report) {
    for (int s = 0; s < S; ++s) {
      const double* x = X.data.data() + std::size_t(s) * dim;
      double* y_out = out.data() + std::size_t(s) * path;
      if (rk45) {
        rk45_path(field, dim, x, t, rtol, atol, y_out);
      } else {  // classic RK4, `substeps` equal steps per interval between saved times
        const OdeRhs<double> rhs = [&field](double, const std::vector<double>& y, std::vector<double>& dy) {
          field(y.data(), dy.data());
        };
        std::vector<double> y(x, x + dim);
        std::copy(y.begin(), y.end(), y_out);
        for (std::size_t i = 1; i < T; ++i) {
          const double h = (t[i] - t[i - 1]) / double(substeps);
          for (long k = 0; k < substeps; ++k) rk4_step(rhs, t[i - 1] + double(k) * h, y, h);
          std::copy(y.begin(), y.end(), y_out + i * dim);
        }
      }
      report(s + 1, S);
    }
  });
  std::vector<std::size_t> shape{T, std::size_t(dim)};
  if (!one) shape.insert(shape.begin(), std::size_t(S));
  return to_numpy(std::move(out), shape, X.float32);
}

/// x, dxdt (n, dim) float arrays of the same shape, dim even, n_train in [1, n − 1].
HnnDataset dataset_from_arrays(const AnyArray& x, const AnyArray& dxdt, long n_train) {
  const Checked X = check_array(x, "x", {2});
  const Checked Y = check_array(dxdt, "dxdt", {2});
  if (Y.shape != X.shape)
    throw ArgumentError("dxdt: expected the shape of x " + shape_str(X.shape) + ", got " + shape_str(Y.shape));
  const long n = long(X.shape[0]);
  const int dim = int(X.shape[1]);
  if (dim < 2 || dim % 2 != 0)
    throw ArgumentError("x: expected states (q, p) of even dimension >= 2 on the last axis, got shape " + shape_str(X.shape));
  if (n_train < 1 || n_train >= n)
    throw ArgumentError("n_train: expected 1 <= n_train < n = " + std::to_string(n) +
                        " (the first n_train rows train, the rest are the test set), got " + std::to_string(n_train));
  for (double v : X.data)
    if (!std::isfinite(v)) throw ArgumentError("x: expected finite values");
  for (double v : Y.data)
    if (!std::isfinite(v)) throw ArgumentError("dxdt: expected finite values");
  HnnDataset d;
  d.source = "train_hnn";
  d.dim = dim;
  d.n_train = int(n_train);
  d.n_test = int(n - n_train);
  d.x = X.data;
  d.dxdt = Y.data;
  return d;
}

/// HnnTrainOptions from the keyword options (JSON object), with the engine's config checks and messages.
HnnTrainOptions train_options(const std::string& options_json, const std::string& device) {
  using namespace cfg;
  HnnTrainOptions o;
  try {
    const json v = json::parse(options_json);
    const Ctx ctx{"train_hnn", ""};
    check_keys(v, ctx, {"hidden", "activation", "steps", "batch_size", "lr", "weight_decay", "seed", "threads"});
    o.hidden = get_widths(v, ctx, "hidden", o.hidden);
    const std::string act = get_choice(v, ctx, "activation", "tanh", {"tanh", "softplus", "squareplus"});
    parse_activation(act, o.activation);
    o.steps = int(get_int(v, ctx, "steps", o.steps, 0, 2147483647));
    o.batch_size = int(get_int(v, ctx, "batch_size", 0, 0, 2147483647));
    o.lr = get_number(v, ctx, "lr", o.lr, true);
    o.weight_decay = get_number(v, ctx, "weight_decay", o.weight_decay);
    NOETHER_REQUIRE(o.weight_decay >= 0, ctx.sub("weight_decay").where() << ": expected a value >= 0");
    o.seed = get_uint64(v, ctx, "seed", 0);
    o.threads = int(get_int(v, ctx, "threads", 1, 0, 4096));
    o.cuda = train_on_cuda(parse_device(device, "device"), "device");
  } catch (const Error& e) {
    throw ArgumentError(e.what());
  }
  return o;
}

nb::tuple train(const std::string& kind, const AnyArray& x, const AnyArray& dxdt, long n_train,
                const std::string& options_json, const std::string& device, nb::object progress) {
  if (kind != "hnn" && kind != "mlp") throw ArgumentError("kind: expected 'hnn' or 'mlp', got '" + kind + "'");
  const HnnDataset d = dataset_from_arrays(x, dxdt, n_train);
  HnnTrainOptions o = train_options(options_json, device);
  HnnTrainResult r;
  GilFreeCall call(std::move(progress));
  call.run([&](const std::function<void(long, long)>& report) {
    o.on_step = [&](int done, double) { report(done, o.steps); };
    r = train_hnn_model(kind == "hnn" ? HnnModelKind::Hnn : HnnModelKind::Baseline, d, o);
  });
  HnnModelObject m;
  m.model = std::move(r.model);
  nlohmann::json md{{"training",
                     {{"kind", kind}, {"steps", r.steps}, {"batch_size", o.batch_size}, {"hidden", o.hidden},
                      {"activation", activation_name(o.activation)}, {"lr", o.lr}, {"weight_decay", o.weight_decay},
                      {"seed", o.seed}, {"rows_train", d.n_train}, {"rows_test", d.n_test},
                      {"train_loss", r.train_loss}, {"test_loss", r.test_loss}}}};
  m.metadata = md.dump();
  nb::dict info;
  info["steps"] = r.steps;
  info["train_loss"] = r.train_loss;
  info["test_loss"] = r.test_loss;
  info["seconds"] = r.seconds;
  info["device"] = o.cuda ? "cuda" : "cpu";
  return nb::make_tuple(std::move(m), info);
}

std::string widths_text(const MlpShape& s) {
  std::string w;
  for (int v : s.widths) w += (w.empty() ? "" : "-") + std::to_string(v);
  return w;
}

}  // namespace

void register_hnn(nb::module_& m) {
  nb::class_<HnnModelObject>(m, "HnnModel",
                             "A Hamiltonian neural network H_θ(q, p) (kind 'hnn') or its MLP baseline (kind 'mlp', the "
                             "field directly), paper 004 (docs/HNN.md). noether.train_hnn returns one; HnnModel.load "
                             "reads a model file. States x = (q_1..q_k, p_1..p_k), dim = 2k.")
      .def_static(
          "load",
          [](const std::filesystem::path& p) {
            const std::string path = p.string();
            require_file(path, "model file");
            return from_model_file(load_model_file(path), path);
          },
          nb::arg("path"), "Read a model file (JSON, docs/MODEL_FORMAT.md) of kind 'hnn' or 'mlp'.")
      .def_static(
          "from_json", [](const std::string& text) { return from_model_json(text); }, nb::arg("text"),
          "A model from the JSON text of a model file.")
      .def(
          "save", [](const HnnModelObject& o, const std::filesystem::path& path) { save_model_file(path.string(), to_model_file(o)); },
          nb::arg("path"), "Write the model file (JSON, atomically, numbers shortest-round-trip: load(save) is bit-exact).")
      .def("to_json", [](const HnnModelObject& o) { return model_json(to_model_file(o)); }, "The model file's JSON text.")
      .def_prop_ro("kind", [](const HnnModelObject& o) { return std::string(kind_name(o.model.kind)); },
                   "'hnn' (H_θ: R^dim → R) or 'mlp' (the baseline, R^dim → R^dim).")
      .def_prop_ro("dim", [](const HnnModelObject& o) { return o.model.shape.in(); }, "State dimension 2k.")
      .def_prop_ro("widths", [](const HnnModelObject& o) { return o.model.shape.widths; }, "MLP widths [dim, hidden..., out].")
      .def_prop_ro("activation", [](const HnnModelObject& o) { return std::string(activation_name(o.model.shape.activation)); })
      .def_prop_ro("metadata", [](const HnnModelObject& o) { return o.metadata; }, "The metadata object as JSON text.")
      .def_prop_ro("source", [](const HnnModelObject& o) { return o.source; }, "The file it was read from ('' if none).")
      .def_prop_ro(
          "parameters",
          [](const HnnModelObject& o) { return to_numpy(std::vector<double>(o.model.params), {o.model.params.size()}); },
          "Flat float64 parameters (P,), order [W_1 (out×in, row-major), b_1, W_2, b_2, ...].")
      .def("hamiltonian", &hamiltonian, nb::arg("x"),
           "H_θ(x): x (dim,) → float, or (n, dim) → (n,) in x's dtype (evaluated in float64). 'hnn' models only.")
      .def("time_derivative", &time_derivative, nb::arg("x"),
           "The learned field dx/dt at x (dim,) or (n, dim), same shape and dtype: (∂H_θ/∂p, −∂H_θ/∂q) for 'hnn' (the "
           "symplectic gradient, exact reverse mode), the MLP's output for 'mlp'.")
      .def("integrate", &integrate, nb::arg("x0"), nb::arg("times"), nb::arg("method") = "rk45", nb::arg("rtol") = 1e-10,
           nb::arg("atol") = 1e-12, nb::arg("substeps") = 10, nb::arg("progress") = nb::none(),
           "Integrate the learned field from x0 (dim,) or (S, dim) to times (T,) (strictly increasing; x(times[0]) = x0): "
           "(T, dim) or (S, T, dim). method 'rk45' (adaptive Dormand–Prince, rtol/atol: the HNN energy protocol) or "
           "'rk4' (substeps equal steps per interval).")
      .def("__repr__", [](const HnnModelObject& o) {
        return std::string("<noether.HnnModel ") + kind_name(o.model.kind) + " " + widths_text(o.model.shape) + " " +
               activation_name(o.model.shape.activation) + (o.source.empty() ? "" : " from " + o.source) + ">";
      });
  m.def("train_hnn", &train, nb::arg("kind"), nb::arg("x"), nb::arg("dxdt"), nb::arg("n_train"),
        nb::arg("options_json"), nb::arg("device") = "cpu", nb::arg("progress") = nb::none());
}

HnnModelObject from_model_json(const std::string& text) {
  return from_model_file(parse_model_json(text, "model JSON"), "model JSON");
}

}  // namespace noether::py
