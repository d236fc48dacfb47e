// io/table_file.hpp — building a pair table (physics/pair_table.hpp) from a pair potential, and the table
// file (JSON, docs/TABLES.md). Host only: implemented in host/io/table_file.cpp (nlohmann/json stays there).
//
// Table file, readable without noether (knots r_k = r_min + k·(r_max − r_min)/(knots − 1)):
//   {"format": "noether-pair-table", "version": 1, "r_min": A, "r_max": B, "knots": K,
//    "V": [K], "dVdr": [K], "d2Vdr2": [K],                 // V, V′, V″ at the knots, float64
//    "tolerance": 1e-5, "max_rel_error_dVdr": 3e-7,        // optional: builder's target and measurement
//    "extrapolation": "quadratic-taylor",                  // optional; the only value understood
//    "source": {...},                                      // optional, free-form provenance
//    "support": {"lo": a, "hi": b},                        // optional: the training support inherited from the model
//    "tail": {"policy": "zero", "r_hi": b, "r_on": c}}     // optional: the law beyond the support (physics/pair_tail.hpp)
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "noether/io/model_file.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/pair_table.hpp"

namespace noether {

constexpr int kPairTableFileVersion = 1;
constexpr const char* kPairTableFormat = "noether-pair-table";
constexpr const char* kPairTableExtrapolation = "quadratic-taylor";

/// What build_pair_table measured on its check points.
struct PairTableBuildReport {
  int intervals = 0;            ///< final n (knots = n + 1)
  double max_abs_error_dVdr = 0;  ///< max |V′_table − V′_ref| over the check points
  double max_abs_dVdr = 0;        ///< max |V′_ref| over the check points and knots
  double max_rel_error_dVdr = 0;  ///< the ratio of the two (0 when V′_ref ≡ 0)
  double max_abs_error_V = 0;     ///< max |V_table − V_ref| over the check points
  int check_points_per_interval = 0;
};

/// Check points per interval used by build_pair_table: t = j/16, j = 1 … 15 (the midpoint included).
constexpr int kPairTableChecksPerInterval = 15;

/// Tabulate `ref` (r ↦ V, V′, V″ in float64) on [r_min, r_max]: starting from `start_intervals`, double the
/// intervals until  max |V′_table − V′_ref| ≤ tol · max |V′_ref|  over the knots and 15 interior points
/// per interval (a relative criterion on the scale of the force: pointwise relative error is meaningless
/// where V′ crosses zero). The table is evaluated in float64. Throws noether::Error when more than
/// kPairTableMaxIntervals intervals would be needed (or on a bad range or tolerance).
PairTableData build_pair_table(const std::function<PairJet<double>(double)>& ref, double r_min, double r_max,
                               double tol = 1e-5, int start_intervals = 8, PairTableBuildReport* report = nullptr);

/// Same for a pair law (a learned MLP, or an analytic law) with its jets in float64. The table samples the RAW law
/// (pair_law_raw_jets) and inherits the law's support and tail policy (its distances; a power tail is matched again
/// to the table's own values at r_hi), so that the table applies the tail itself.
PairTableData build_pair_table(const PairLawSpec& law, double r_min, double r_max, double tol = 1e-5,
                               int start_intervals = 8, PairTableBuildReport* report = nullptr);

/// V, V′, V″ of a pair law in float64 at r (learned: forward jets; table: the table — both with their tails;
/// analytic: V″ by central differences of V′ — only used for tabulating them in tests).
PairJet<double> pair_law_jets(const PairLawSpec& law, double r);

/// V, V′, V″ of the raw law at r: a learned MLP's network (no tail), a table's polynomial (no tail); analytic laws
/// as pair_law_jets.
PairJet<double> pair_law_raw_jets(const PairLawSpec& law, double r);

/// Give table `t` (coefficients finalized) the tail `policy` with distances r_on (zero, fitted power), r_hi and a power
/// tail's given exponent fixed_n (0: matched at r_hi), resolved against the
/// table's own raw jets (physics/pair_tail.hpp, resolve_tail); errors are prefixed with `where`.
void set_pair_table_tail(PairTableData& t, TailPolicy policy, double r_on, double r_hi, const std::string& where,
                         double fixed_n = 0.0);

/// Jets of a table at many distances, in float64.
std::vector<PairJet<double>> pair_table_jets(const PairTableData& t, const std::vector<double>& r);

/// The pair law (PotentialKind::Tabulated) of a table.
PairLawSpec tabulated_pair_law(const PairTableData& t);

/// Parse table JSON text; `source` names it in errors (wrong format/version, missing key, lengths,
/// non-finite values, r_max <= r_min, unknown keys or extrapolation).
PairTableData parse_pair_table_json(const std::string& text, const std::string& source);

/// Read a table file (errors name the file and the key).
PairTableData load_pair_table_file(const std::string& path);

/// The JSON text of a table (numbers shortest-round-trip: save → load is bit-exact).
std::string pair_table_json(const PairTableData& t);

/// Write a table file atomically.
void save_pair_table_file(const std::string& path, const PairTableData& t);

/// True when the JSON file at `path` declares "format": "noether-pair-table" (false for a model file or
/// anything else, including a file that cannot be opened: the caller's loader then reports it).
bool is_pair_table_file(const std::string& path);

/// The pair law of a model file ("mclnn") or of a table file, told apart by "format".
PairLawSpec load_pair_law_file(const std::string& path);

}  // namespace noether
