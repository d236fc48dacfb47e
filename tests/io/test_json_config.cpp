// io/test_json_config.cpp — the shared reading checks of issue 15 at unit level: integers range-checked in full
// width, unsigned seeds, duplicate keys and 1e999 named by key path, trajectory archives validated once, and the
// checked products and memory estimate of core/memory.hpp.
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>

#include "noether/core/error.hpp"
#include "noether/core/memory.hpp"
#include "noether/io/json_config.hpp"
#include "noether/io/trajectory.hpp"

using namespace noether;
using cfg::json;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(JsonConfig, IntegersAreRangeCheckedInFullWidthBeforeNarrowing) {
  const json o = json::parse(R"({"particles": 4294967298, "big": 18446744073709551615, "neg": -1, "ok": 7})");
  const cfg::Ctx ctx{"c.json", "initial_state"};
  EXPECT_EQ(cfg::get_int(o, ctx, "ok", 0, 1, 10), 7);
  EXPECT_EQ(cfg::get_int(o, ctx, "absent", 3, 1, 10), 3);
  const std::string e = error_of([&] { cfg::get_int(o, ctx, "particles", 0, 1, 2147483647); });
  EXPECT_NE(e.find("c.json: initial_state.particles: expected an integer in [1, 2147483647], got 4294967298"),
            std::string::npos) << e;
  EXPECT_NE(error_of([&] { cfg::get_int(o, ctx, "big", 0, 0, 100); }).find("got 18446744073709551615"), std::string::npos);
  EXPECT_NE(error_of([&] { cfg::get_int(o, ctx, "neg", 0, 0, 100); }).find("got -1"), std::string::npos);
}

TEST(JsonConfig, SeedsTakeTheWholeUnsignedRange) {
  const json o = json::parse(R"({"seed": 18446744073709551615, "neg": -1, "seeds": [18446744073709551615, 0]})");
  const cfg::Ctx ctx{"c.json", ""};
  EXPECT_EQ(cfg::get_uint64(o, ctx, "seed", 0), 18446744073709551615ULL);
  EXPECT_EQ(cfg::get_seeds(o, ctx, "seeds", {}).front(), 18446744073709551615ULL);
  EXPECT_NE(error_of([&] { cfg::get_uint64(o, ctx, "neg", 0); }).find("neg: expected an integer in [0, 18446744073709551615], got -1"),
            std::string::npos);
}

TEST(JsonConfig, DuplicateKeysAndHugeNumbersAreNamedByPath) {
  EXPECT_NE(error_of([] { cfg::parse_json_text(R"({"a": {"b": 1, "b": 2}})", "f.json"); }).find("f.json: a.b: duplicate key"),
            std::string::npos);
  EXPECT_NE(error_of([] { cfg::parse_json_text(R"({"a": [{"x": 1}, {"y": 1, "y": 2}]})", "f.json"); }).find("f.json: a[1].y: duplicate key"),
            std::string::npos);
  EXPECT_NE(error_of([] { cfg::parse_json_text(R"({"a": {"k": 1e999}})", "f.json"); }).find("f.json: a.k: expected a finite number"),
            std::string::npos);
  // The same key in two different objects is fine.
  EXPECT_NO_THROW(cfg::parse_json_text(R"({"a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 1}, {"k": 2}]})", "f.json"));
}

TEST(JsonConfig, ADirectoryIsNamedAsOne) {
  const std::string e = error_of([] { cfg::read_json_file(NOETHER_SOURCE_DIR "/tests", "model file"); });
  EXPECT_NE(e.find("is a directory"), std::string::npos) << e;
}

TEST(TrajectoryArchive, EveryKnownKeyIsCheckedAgainstPositionsAndTimes) {
  NpzArchive a;
  a["positions"] = {{2, 3, 4, 2}, std::vector<double>(48, 0.5), "<f8"};
  a["times"] = {{3}, {0, 1, 2}, "<f8"};
  a["velocities"] = {{2, 3, 4, 2}, std::vector<double>(48, 0.1), "<f8"};
  a["hamiltonian"] = {{2, 3}, std::vector<double>(6, 1.0), "<f8"};
  EXPECT_NO_THROW(check_trajectory_archive(a, "t.npz", {"positions", "times"}));
  a["velocities"].shape = {1, 1, 4, 2};
  a["velocities"].data.resize(8);
  EXPECT_NE(error_of([&] { check_trajectory_archive(a, "t.npz", {}); }).find("t.npz: key 'velocities' has shape (1, 1, 4, 2)"),
            std::string::npos);
  a["velocities"] = {{2, 3, 4, 2}, std::vector<double>(48, 0.1), "<f8"};
  a["hamiltonian"].data[4] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(error_of([&] { check_trajectory_archive(a, "t.npz", {}); }).find("t.npz: key 'hamiltonian' has a non-finite value"),
            std::string::npos);
  EXPECT_NE(error_of([&] { check_trajectory_archive(a, "t.npz", {"masses"}); }).find("t.npz: missing key 'masses'"),
            std::string::npos);
}

TEST(CoreMemory, ProductsOverflowAndHugeSizesAreRefusedByName) {
  std::uint64_t p = 0;
  EXPECT_TRUE(checked_mul(1ULL << 31, 1ULL << 31, p));
  EXPECT_EQ(p, 1ULL << 62);
  EXPECT_FALSE(checked_mul(1ULL << 62, 8, p));
  EXPECT_NE(error_of([] { checked_product({1ULL << 40, 1ULL << 40}, "frames x stride"); }).find("frames x stride"),
            std::string::npos);
  EXPECT_NO_THROW(require_memory(1024, "tiny"));
  EXPECT_NE(error_of([] { require_memory(1ULL << 62, "integrator.frames"); }).find("integrator.frames needs about"),
            std::string::npos);
}
