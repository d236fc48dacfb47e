// run/hnn_config.cpp — parsing of the HNN `noether run` config (run/hnn_config.hpp, docs/HNN.md).
#include "run/hnn_config.hpp"

#include <algorithm>
#include <filesystem>

#include "noether/io/json_config.hpp"
#include "noether/physics/config.hpp"
#include "noether/core/error.hpp"

namespace noether {

using namespace cfg;
namespace fs = std::filesystem;

bool is_hnn_run_config(const std::string& path) {
  const json root = read_json_file(path);
  return root.is_object() && root.contains("task");
}

HnnRunConfig load_hnn_run_config(const std::string& path) {
  const json root = read_json_file(path);
  const Ctx ctx{path, ""};
  check_keys(root, ctx, {"description", "task", "seeds", "steps", "batch_size", "hidden", "lr", "weight_decay", "data",
                         "threads", "trajectories", "energy_states", "device"});
  HnnRunConfig c;
  c.source = path;
  c.task_name = get_choice(root, ctx, "task", "",
                           {"hnn_mass_spring", "hnn_pendulum", "hnn_real_pendulum", "hnn_two_body", "hnn_three_body"});
  c.task = c.task_name == "hnn_mass_spring"  ? HnnRunTask::MassSpring
           : c.task_name == "hnn_pendulum"   ? HnnRunTask::Pendulum
           : c.task_name == "hnn_two_body"   ? HnnRunTask::TwoBody
           : c.task_name == "hnn_three_body" ? HnnRunTask::ThreeBody
                                             : HnnRunTask::RealPendulum;
  const bool orbits = c.task == HnnRunTask::TwoBody || c.task == HnnRunTask::ThreeBody;
  c.seeds = get_seeds(root, ctx, "seeds", c.seeds);
  // Reference protocol: 2000 full-batch steps (spring, pendulums); 10000 steps of batches of 200 (two-body)
  // or 600 (three-body).
  c.train.steps = int(get_int(root, ctx, "steps", orbits ? 10000 : 2000, 1, 2147483647));
  c.train.batch_size = int(get_int(root, ctx, "batch_size",
                                   c.task == HnnRunTask::TwoBody ? 200 : c.task == HnnRunTask::ThreeBody ? 600 : 0, 0, 2147483647));
  c.train.hidden = get_widths(root, ctx, "hidden", c.train.hidden);
  c.train.activation = Activation::Tanh;
  c.train.lr = get_number(root, ctx, "lr", 1e-3, true);
  // Reference weight decay: 1e-4 (spring, pendulum, three-body), 1e-5 (real pendulum), 0 (two-body).
  c.train.weight_decay = get_number(root, ctx, "weight_decay",
                                    c.task == HnnRunTask::RealPendulum ? 1e-5 : c.task == HnnRunTask::TwoBody ? 0.0 : 1e-4);
  NOETHER_REQUIRE(c.train.weight_decay >= 0, ctx.sub("weight_decay").where() << ": expected a value >= 0");
  c.train.threads = int(get_int(root, ctx, "threads", 1, 0, 4096));
  // Where the models train: auto = the GPU when one is usable (hnn/cuda.hpp), else the CPU.
  c.train.cuda = train_on_cuda(parse_device(get_choice(root, ctx, "device", "auto", {"auto", "cpu", "cuda"}),
                                            ctx.sub("device").where()),
                               ctx.sub("device").where());
  c.energy_states = int(get_int(root, ctx, "energy_states", 15, 1, 2147483647));
  if (c.task == HnnRunTask::RealPendulum) {
    NOETHER_REQUIRE(!root.contains("trajectories"),
                    ctx.sub("trajectories").where() << ": the real pendulum is one recording; only synthetic tasks take it");
    NOETHER_REQUIRE(!root.contains("energy_states"), ctx.sub("energy_states").where()
                                                         << ": the real pendulum's energy MSE runs along its recorded test "
                                                            "segment; only synthetic tasks take it");
  }
  // 0 = the reference count (50 spring / pendulum, 1000 two-body, 5000 three-body); the data set needs >= 2.
  c.trajectories = int(get_int(root, ctx, "trajectories", 0, 0, 2147483647));
  NOETHER_REQUIRE(c.trajectories == 0 || c.trajectories >= (orbits ? 5 : 2),
                  ctx.sub("trajectories").where() << ": expected 0 (the reference count) or at least "
                                                  << (orbits ? 5 : 2) << " (a test split of 20% needs 5 orbits), got "
                                                  << c.trajectories);
  if (c.task != HnnRunTask::RealPendulum) {
    NOETHER_REQUIRE(!root.contains("data"),
                    ctx.sub("data").where() << ": only the task hnn_real_pendulum reads a data file");
    return c;
  }
  std::string rel = "../data/schmidt-lipson/real_pend_h_1.txt";  // configs/ -> the repository's data/
  if (root.contains("data")) {
    NOETHER_REQUIRE(root.at("data").is_string() && !root.at("data").get<std::string>().empty(),
                    ctx.sub("data").where() << ": expected the path of real_pend_h_1.txt, got " << root.at("data").dump());
    rel = root.at("data").get<std::string>();
  }
  const fs::path p = fs::path(rel).is_absolute() ? fs::path(rel) : fs::path(path).parent_path() / rel;
  c.data_path = fs::absolute(p).lexically_normal().string();
  NOETHER_REQUIRE(fs::is_regular_file(p), ctx.sub("data").where()
                                              << ": real pendulum data not found at " << c.data_path
                                              << (root.contains("data") ? "" : " (the default, relative to the config's folder)")
                                              << "; set \"data\" to the path of Schmidt & Lipson's real_pend_h_1.txt");
  c.real_data = load_real_pendulum(c.data_path);
  return c;
}

}  // namespace noether
