// python/model.cpp — PairPotentialModel (an "mclnn" model file, io/model_file.hpp) and PairTable (a quintic
// Hermite table, io/table_file.hpp): V(r), dV/dr, d²V/dr² on NumPy arrays, save/load with the CLI's bytes,
// tabulation, and their pair laws for rollouts and forces.
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <nlohmann/json.hpp>

#include "noether/io/model_eval.hpp"
#include "noether/io/model_file.hpp"
#include "noether/io/table_file.hpp"
#include "python/common.hpp"

namespace noether::py {

namespace {

/// (V, dV/dr, d²V/dr²) of `jets` as three arrays of r's shape and dtype.
nb::tuple jets_to_numpy(const std::vector<PairJet<double>>& j, const Checked& r) {
  std::vector<double> V(j.size()), dV(j.size()), d2V(j.size());
  for (std::size_t k = 0; k < j.size(); ++k) V[k] = j[k].V, dV[k] = j[k].dV, d2V[k] = j[k].d2V;
  return nb::make_tuple(to_numpy(std::move(V), r.shape, r.float32), to_numpy(std::move(dV), r.shape, r.float32),
                        to_numpy(std::move(d2V), r.shape, r.float32));
}

Checked distances(const AnyArray& r) {
  Checked c = check_array(r, "r", {0, 1, 2, 3, 4});
  for (double x : c.data)
    if (!std::isfinite(x)) throw ArgumentError("r: expected finite distances");
  return c;
}

std::string widths_text(const MlpShape& s) {
  std::string w;
  for (int x : s.widths) w += (w.empty() ? "" : "-") + std::to_string(x);
  return w;
}

}  // namespace

void register_model(nb::module_& m) {
  nb::class_<ModelFile>(m, "PairPotentialModel",
                        "A learned pair potential V_θ(r) (model file, docs/MODEL_FORMAT.md): noether.train_mclnn "
                        "returns one, PairPotentialModel.load reads one.")
      .def_static(
          "load",
          [](const std::filesystem::path& p) {
            const std::string path = p.string();
            require_file(path, "model file");
            ModelFile f = load_model_file(path);
            learned_pair_law(f);  // a pair potential ("mclnn", widths 1 → … → 1), or an error naming the file
            return f;
          },
          nb::arg("path"), "Read a model file (JSON).")
      .def_static(
          "from_json",
          [](const std::string& text) {
            ModelFile f = parse_model_json(text, "model JSON");
            learned_pair_law(f);
            return f;
          },
          nb::arg("text"), "A model from the JSON text of a model file.")
      .def("save", [](const ModelFile& f, const std::filesystem::path& path) { save_model_file(path.string(), f); }, nb::arg("path"),
           "Write the model file (JSON, atomically): the bytes `noether train` writes for the same model.")
      .def("to_json", [](const ModelFile& f) { return model_json(f); }, "The model file's JSON text.")
      .def_prop_ro("widths", [](const ModelFile& f) { return f.shape.widths; }, "MLP widths [1, hidden..., 1].")
      .def_prop_ro("activation", [](const ModelFile& f) { return activation_name(f.shape.activation); })
      .def_prop_ro("metadata", [](const ModelFile& f) { return f.metadata; }, "The metadata object as JSON text.")
      .def_prop_ro("source", [](const ModelFile& f) { return f.source; }, "The file it was read from ('' if none).")
      .def_prop_ro(
          "parameters", [](const ModelFile& f) { return to_numpy(std::vector<double>(f.params), {f.params.size()}); },
          "Flat float64 parameters (P,), order [W_1 (out×in, row-major), b_1, W_2, b_2, ...] (docs/MODEL_FORMAT.md).")
      .def_prop_ro("input_transform", [](const ModelFile& f) { return std::string(input_transform_name(f.input_transform)); },
                   "What the input scaling applies to: 'none' (x = (r − shift)/scale) or 'log' (x = (log r − shift)/scale).")
      .def_prop_ro("input_scaling", [](const ModelFile& f) { return nb::make_tuple(f.input_scaling.shift, f.input_scaling.scale); },
                   "(shift, scale) lists of x = (g(r) − shift)/scale (g: input_transform); both empty when absent.")
      .def_prop_ro("output_scaling", [](const ModelFile& f) { return nb::make_tuple(f.output_scaling.shift, f.output_scaling.scale); },
                   "(shift, scale) lists of V = scale·y + shift; both empty when absent.")
      .def(
          "potential",
          [](const ModelFile& f, const AnyArray& r) {
            const Checked c = distances(r);
            std::vector<PairJet<double>> j;
            {
              nb::gil_scoped_release release;
              j = pair_model_jets(f, c.data);
            }
            return jets_to_numpy(j, c);
          },
          nb::arg("r"),
          "(V, dV/dr, d²V/dr²) at distances r (any shape, float32 or float64; results in r's shape and dtype; "
          "evaluated in float64 with exact forward jets).")
      .def("law", [](const ModelFile& f) { return PairLaw{learned_pair_law(f), "learned MLP " + widths_text(f.shape)}; },
           "The PairLaw of this model (rollouts, forces).")
      .def(
          "tabulate",
          [](const ModelFile& f, double r_min, double r_max, double tolerance) {
            if (!(std::isfinite(r_min) && std::isfinite(r_max) && r_min < r_max))
              throw ArgumentError("r_min, r_max: expected finite values with r_min < r_max, got " +
                                  std::to_string(r_min) + ", " + std::to_string(r_max));
            if (!(std::isfinite(tolerance) && tolerance > 0))
              throw ArgumentError("tolerance: expected a finite value > 0, got " + std::to_string(tolerance));
            const PairLawSpec law = learned_pair_law(f);
            PairTableBuildReport rep;
            PairTableData t;
            {
              nb::gil_scoped_release release;
              t = build_pair_table(law, r_min, r_max, tolerance, 8, &rep);
            }
            // The provenance `noether tabulate` records (cli/tabulate.cpp), so a saved table has the CLI's bytes.
            nlohmann::json src{{"model", f.source},
                               {"model_kind", f.model},
                               {"widths", f.shape.widths},
                               {"max_abs_error_V", rep.max_abs_error_V},
                               {"check_points_per_interval", rep.check_points_per_interval}};
            t.source_json = src.dump();
            return t;
          },
          nb::arg("r_min"), nb::arg("r_max"), nb::arg("tolerance") = 1e-5,
          "A PairTable of V on [r_min, r_max] whose dV/dr is within tolerance·max|dV/dr| of the MLP's (docs/TABLES.md).")
      .def("__repr__", [](const ModelFile& f) {
        return "<noether.PairPotentialModel " + f.model + " " + widths_text(f.shape) + " " +
               activation_name(f.shape.activation) + (f.source.empty() ? "" : " from " + f.source) + ">";
      });

  nb::class_<PairTableData>(m, "PairTable", "A quintic Hermite table of V(r) (docs/TABLES.md), a pair law itself.")
      .def_static(
          "load",
          [](const std::filesystem::path& p) {
            require_file(p.string(), "table file");
            return load_pair_table_file(p.string());
          },
          nb::arg("path"))
      .def("save", [](const PairTableData& t, const std::filesystem::path& path) { save_pair_table_file(path.string(), t); },
           nb::arg("path"), "Write the table file (JSON, atomically): the bytes `noether tabulate` writes.")
      .def("to_json", [](const PairTableData& t) { return pair_table_json(t); })
      .def_ro("r_min", &PairTableData::r_min)
      .def_ro("r_max", &PairTableData::r_max)
      .def_prop_ro("knots", [](const PairTableData& t) { return int(t.V.size()); })
      .def_ro("max_rel_error_dVdr", &PairTableData::max_rel_error_dVdr)
      .def(
          "potential",
          [](const PairTableData& t, const AnyArray& r) {
            const Checked c = distances(r);
            return jets_to_numpy(pair_table_jets(t, c.data), c);
          },
          nb::arg("r"), "(V, dV/dr, d²V/dr²) at r (any shape; quadratic Taylor extrapolation outside the range).")
      .def("law", [](const PairTableData& t) {
        return PairLaw{tabulated_pair_law(t), "table (" + std::to_string(t.V.size()) + " knots)"};
      })
      .def("__repr__", [](const PairTableData& t) {
        return "<noether.PairTable " + std::to_string(t.V.size()) + " knots on [" + std::to_string(t.r_min) + ", " +
               std::to_string(t.r_max) + "]>";
      });
}

}  // namespace noether::py
