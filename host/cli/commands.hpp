// cli/commands.hpp — registration of the `noether` subcommands (host-only; CLI11 never reaches nvcc).
#pragma once
#include <CLI/CLI.hpp>

#include <cmath>
#include <string>

namespace noether {

/// Flag validators shared by the subcommands: a flag that is given is checked and rejected when invalid, never
/// treated as absent (CLI11 reports "--lr: Value nan not in range ..." and exits with its own code, 105/106).
namespace cli_check {
/// A finite number (rejects nan, inf, 1e999).
inline CLI::Validator finite() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        double x = 0;
        if (!CLI::detail::lexical_cast(s, x) || !std::isfinite(x)) return "expected a finite number, got '" + s + "'";
        return "";
      },
      "FINITE", "finite");
}
/// A finite number > 0.
inline CLI::Validator positive_finite() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        double x = 0;
        if (!CLI::detail::lexical_cast(s, x) || !std::isfinite(x) || !(x > 0))
          return "expected a finite number > 0, got '" + s + "'";
        return "";
      },
      "POSITIVE", "positive_finite");
}
/// A finite number >= 0.
inline CLI::Validator non_negative_finite() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        double x = 0;
        if (!CLI::detail::lexical_cast(s, x) || !std::isfinite(x) || !(x >= 0))
          return "expected a finite number >= 0, got '" + s + "'";
        return "";
      },
      "NONNEGATIVE", "non_negative_finite");
}
/// An unsigned 64-bit integer written without a sign (CLI11 would wrap "-1" to 2^64 - 1).
inline CLI::Validator uint64_text() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
          return "expected an integer in [0, 18446744073709551615], got '" + s + "'";
        return "";
      },
      "UINT64", "uint64_text");
}
}  // namespace cli_check

void add_simulate_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_rollout_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_evaluate_command(CLI::App& app);
void add_potential_command(CLI::App& app);
void add_tabulate_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_analyze_command(CLI::App& app);
}  // namespace noether
