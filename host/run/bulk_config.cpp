// run/bulk_config.cpp — reading and checking the bulk generalization config (run/bulk_config.hpp).
#include "run/bulk_config.hpp"

#include <algorithm>

#include "noether/core/error.hpp"
#include "noether/io/json_file.hpp"
#include "noether/io/simulation_config.hpp"
#include "run/mclnn_config.hpp"

namespace noether {

using namespace cfg;

namespace {

/// The "train" keys the bulk trainer has (run/train_bulk.hpp); the open-space trainer's others are refused by name.
const std::vector<std::string> kBulkTrainKeys = {"hidden", "activation", "stride",       "horizon", "epochs", "batch_size",
                                                 "lr",     "lr_final",   "val_fraction", "seed",    "init"};

const json& require_section(const json& root, const Ctx& ctx, const char* key) {
  NOETHER_REQUIRE(root.contains(key), ctx.sub(key).where() << ": missing required section");
  return root.at(key);
}

/// Parse a composed simulation config, naming the experiment's section in its errors.
SimulationConfig check_phase(const json& sim, const std::string& source, const std::string& section) {
  return parse_simulation_config(sim, source + " (" + section + ")");
}

/// g(r) over [0, r_max) needs r_max within half of every periodic edge of the state (the minimum image).
void check_rdf_fits(const BulkRunConfig& c, const SimulationConfig& s, const std::string& section) {
  for (int k = 0; k < s.init.D; ++k)
    NOETHER_REQUIRE(!(s.init.box.present && s.init.box.periodic[k]) || c.rdf_r_max <= 0.5 * s.init.box.L[k],
                    c.source << ": rdf.r_max: " << c.rdf_r_max << " is beyond half the periodic edge " << s.init.box.L[k]
                             << " of axis " << k << " of " << section << "'s box; give a smaller rdf.r_max or a larger state");
}

}  // namespace

bool is_bulk_run_config(const std::string& path) {
  const json root = read_json_file(path);
  return root.is_object() && root.contains("task") && root.at("task") == "bulk_generalization";
}

json bulk_phase_json(const BulkRunConfig& c, const json& system, const json& initial_state, const json& integrator,
                     bool with_thermostat) {
  json j = c.shared;
  j["system"] = system;
  j["initial_state"] = initial_state;
  j["integrator"] = integrator;
  if (with_thermostat) j["thermostat"] = c.thermostat;
  return j;
}

json bulk_equilibration_integrator(const BulkRunConfig& c) {
  return {{"method", "verlet"}, {"dt", c.equilibrate_dt}, {"stride", c.equilibrate_steps}, {"frames", 2}};
}

BulkRunConfig load_bulk_run_config(const std::string& path) {
  const json root = read_json_file(path);
  const Ctx ctx{path, ""};
  check_keys(root, ctx, {"description", "task", "system", "species", "neighbor", "precision", "device", "rdf", "equilibrate",
                         "train_data", "train", "learned_law", "table_tolerance", "cases"});
  get_choice(root, ctx, "task", "", {"bulk_generalization"});
  BulkRunConfig c;
  c.source = path;
  if (root.contains("description")) {
    NOETHER_REQUIRE(root.at("description").is_string(), ctx.sub("description").where() << ": expected a string");
    c.description = root.at("description").get<std::string>();
  }
  c.system = require_section(root, ctx, "system");
  c.shared = json::object();
  for (const char* k : {"species", "neighbor", "precision", "device"})
    if (root.contains(k)) c.shared[k] = root.at(k);
  {
    const json& r = require_section(root, ctx, "rdf");
    const Ctx rctx = ctx.sub("rdf");
    check_keys(r, rctx, {"r_max", "bins"});
    NOETHER_REQUIRE(r.contains("r_max"), rctx.sub("r_max").where() << ": missing (the range [0, r_max) of g(r))");
    c.rdf_r_max = get_number(r, rctx, "r_max", 0, true);
    c.rdf_bins = int(get_int(r, rctx, "bins", c.rdf_bins, 1, 100000));
  }

  const json& eq = require_section(root, ctx, "equilibrate");
  const Ctx ectx = ctx.sub("equilibrate");
  check_keys(eq, ectx, {"steps", "dt", "thermostat"});
  c.equilibrate_steps = int(get_int(eq, ectx, "steps", c.equilibrate_steps, 1, 100000000));
  c.equilibrate_dt = get_number(eq, ectx, "dt", c.equilibrate_dt, true);
  c.thermostat = require_section(eq, ectx, "thermostat");

  const json& td = require_section(root, ctx, "train_data");
  const Ctx tctx = ctx.sub("train_data");
  check_keys(td, tctx, {"initial_state", "integrator"});
  c.train_initial_state = require_section(td, tctx, "initial_state");
  c.train_integrator = require_section(td, tctx, "integrator");

  MclnnTrainOptions base = train_command_defaults();
  base.patience = 0;  // the bulk trainer runs its epochs (no plateau stop yet: docs/BULK_TRAINING.md)
  base.input_transform = InputTransform::None;  // its species-pair networks take the distance itself (no log input yet)
  base.horizon = 1;  // the bulk trainer's horizon (noether train's 3 was measured on the open-space zoo only)
  if (root.contains("train")) {
    const json& t = root.at("train");
    NOETHER_REQUIRE(t.is_object(), ctx.sub("train").where() << ": expected an object");
    for (const auto& kv : t.items()) {
      bool known = false;
      for (const std::string& k : kBulkTrainKeys) known = known || kv.key() == k;
      NOETHER_REQUIRE(known, ctx.sub("train").sub(kv.key()).where()
                                 << ": not an option of the bulk trainer (it takes " << join(kBulkTrainKeys) << ")");
    }
    c.train = parse_train_section(t, ctx.sub("train"), base);
  } else {
    c.train = base;
  }
  c.rollout_table = get_choice(root, ctx, "learned_law", "table", {"table", "model"}) == "table";
  c.table_tolerance = get_number(root, ctx, "table_tolerance", c.table_tolerance, true);

  const json& cs = require_section(root, ctx, "cases");
  NOETHER_REQUIRE(cs.is_object() && !cs.empty(),
                  ctx.sub("cases").where() << ": expected an object {name: {initial_state, integrator, truth, equilibrate}, …}");
  for (const auto& item : cs.items()) {
    const std::string& name = item.key();
    const Ctx cc = ctx.sub("cases").sub(name);
    NOETHER_REQUIRE(!name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == std::string::npos,
                    ctx.sub("cases").where() << ": case name '" << name << "' must use letters, digits, _ and - only");
    NOETHER_REQUIRE(item.value().is_object(), cc.where() << ": expected an object {initial_state, integrator, truth, equilibrate}");
    check_keys(item.value(), cc, {"initial_state", "integrator", "truth", "equilibrate"});
    BulkRunCase k;
    k.name = name;
    k.initial_state = require_section(item.value(), cc, "initial_state");
    k.integrator = require_section(item.value(), cc, "integrator");
    k.truth = get_bool(item.value(), cc, "truth", true);
    k.equilibrate = get_bool(item.value(), cc, "equilibrate", true);
    c.cases.push_back(k);
  }

  // Every simulation the experiment runs with the true law, parsed now (the learned rollouts differ only in "system").
  check_phase(bulk_phase_json(c, c.system, c.train_initial_state, bulk_equilibration_integrator(c), true), path,
              "train_data, equilibration");
  const SimulationConfig train = check_phase(bulk_phase_json(c, c.system, c.train_initial_state, c.train_integrator, false), path, "train_data");
  NOETHER_REQUIRE(train.bulk.enabled && train.bulk.max_cutoff() > 0,
                  ctx.sub("system").where() << ": the bulk experiment needs a cutoff for every species pair (system.cutoff "
                                               "or system.pairs[k].cutoff): the learned laws are short-ranged");
  c.truth = train.bulk;
  std::vector<int> particles;
  for (const BulkRunCase& k : c.cases) {
    const std::string where = "cases." + k.name;
    if (k.equilibrate)
      check_phase(bulk_phase_json(c, c.system, k.initial_state, bulk_equilibration_integrator(c), true), path,
                  where + ", equilibration");
    const SimulationConfig s = check_phase(bulk_phase_json(c, c.system, k.initial_state, k.integrator, false), path, where);
    NOETHER_REQUIRE(s.integrator.frames >= 3, ctx.sub("cases").sub(k.name).sub("integrator.frames").where()
                                                  << ": expected at least 3 frames (the MSD fit needs them)");
    check_rdf_fits(c, s, where);
    particles.push_back(s.init.N);
  }
  // Cases run from the smallest to the largest (a JSON object's keys have no order): the memory of each bounds the
  // process's peak so far, and a failure at a large size comes after the small results.
  std::vector<std::size_t> order(c.cases.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return particles[x] < particles[y]; });
  std::vector<BulkRunCase> sorted;
  for (std::size_t i : order) sorted.push_back(c.cases[i]);
  c.cases = sorted;
  return c;
}

}  // namespace noether
