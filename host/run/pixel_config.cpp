// run/pixel_config.cpp — parsing of the pixel pendulum `noether run` config (run/pixel_config.hpp,
// docs/PIXEL_PENDULUM.md).
#include "run/pixel_config.hpp"

#include <algorithm>

#include "noether/io/json_config.hpp"
#include "noether/physics/config.hpp"
#include "noether/core/error.hpp"
#include "noether/core/memory.hpp"

namespace noether {

using namespace cfg;

bool is_pixel_run_config(const std::string& path) {
  const json root = read_json_file(path);
  return root.is_object() && root.contains("task") && root.at("task") == "hnn_pixel_pendulum";
}

PixelRunConfig load_pixel_run_config(const std::string& path) {
  const json root = read_json_file(path);
  const Ctx ctx{path, ""};
  check_keys(root, ctx, {"description", "task", "seeds", "steps", "batch", "lr", "weight_decay", "trials", "frames",
                         "data_seed", "ae_hidden", "hidden", "rollout_frames", "threads", "save_data", "device"});
  get_choice(root, ctx, "task", "", {"hnn_pixel_pendulum"});
  PixelRunConfig c;
  c.source = path;
  c.seeds = get_seeds(root, ctx, "seeds", c.seeds);
  c.train.steps = int(get_int(root, ctx, "steps", 10000, 1, 2147483647));
  c.train.batch = int(get_int(root, ctx, "batch", 200, 1, 2147483647));
  c.train.lr = get_number(root, ctx, "lr", 1e-3, true);
  // Default 0, not the reference's 1e-5: with coupled L2 1e-5 the latent HNN collapsed to H_θ ≡ 0 in our
  // full-protocol run (docs/PIXEL_PENDULUM.md, "Deviations").
  c.train.weight_decay = get_number(root, ctx, "weight_decay", 0.0);
  NOETHER_REQUIRE(c.train.weight_decay >= 0, ctx.sub("weight_decay").where() << ": expected a value >= 0");
  c.train.ae_hidden = int(get_int(root, ctx, "ae_hidden", 200, 1, 4096));
  c.train.latent_hidden = get_widths(root, ctx, "hidden", {200, 200});
  c.train.threads = int(get_int(root, ctx, "threads", 1, 0, 4096));
  // "device": where training runs (pixel/cuda.hpp's device loop or the CPU): cpu (default while the GPU path is
  // unverified on a GPU), cuda (a usable GPU is required: checked here, before any work), auto.
  c.train.cuda = train_on_cuda(parse_device(get_choice(root, ctx, "device", "cpu", {"auto", "cpu", "cuda"}),
                                            ctx.sub("device").where()),
                               ctx.sub("device").where());
  c.data.trials = int(get_int(root, ctx, "trials", 200, 2, 2147483647));
  c.data.frames = int(get_int(root, ctx, "frames", 103, 3, 2147483647));
  c.data.seed = get_uint64(root, ctx, "data_seed", 0);
  NOETHER_REQUIRE(int(c.data.test_fraction * c.data.trials) >= 1,
                  ctx.sub("trials").where() << ": the first 20% of the trials are the test set; need trials >= 5, got "
                                            << c.data.trials);
  // The rendered data set (trials x frames images of 28 x 28, held as float64, twice for the stacked inputs)
  // must fit before anything is rendered.
  require_memory(checked_product({std::uint64_t(c.data.trials), std::uint64_t(c.data.frames), 2 * 28 * 28 * 8},
                                 ctx.sub("trials").where() + " x frames"),
                 ctx.sub("trials").where() + " (" + std::to_string(c.data.trials) + ") x frames (" +
                     std::to_string(c.data.frames) + ")");
  const long long n_train = (c.data.trials - (long long)(c.data.test_fraction * c.data.trials)) * (c.data.frames - 2LL);
  NOETHER_REQUIRE(c.train.batch <= n_train, ctx.sub("batch").where() << ": larger than the " << n_train
                                                                     << " training samples of trials and frames");
  c.rollout_frames = int(get_int(root, ctx, "rollout_frames", 200, 2, 2147483647));
  c.save_data = get_bool(root, ctx, "save_data", true);
  return c;
}

}  // namespace noether
