// Tests of the start-up ISA check (core/cpu_check.hpp): the binary runs here, and a CPU that lacks an
// extension the build used gets a clear message and exit status 3 (simulated with
// NOETHER_ISA_CHECK_PRETEND_MISSING), never SIGILL.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/wait.h>

#include "noether/core/cpu_check.hpp"

namespace {

/// Run `cmd` through the shell; return (exit status, stdout+stderr).
std::pair<int, std::string> run(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return {-1, out};
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST(CpuCheck, ThisCpuRunsTheBuild) {
  noether::check_host_isa();  // returns (else the process would have exited)
  const std::string mode = noether::built_simd_mode();
  EXPECT_TRUE(mode == "native" || mode == "portable") << mode;
  if (mode == "portable") EXPECT_STREQ(noether::built_isa(), "");
}

TEST(CpuCheck, MissingExtensionStopsWithAMessage) {
  const std::string isa = noether::built_isa();
  if (isa.empty()) GTEST_SKIP() << "portable build: no extension to check";
  const std::string first = isa.substr(0, isa.find(','));
  const auto [rc, out] = run("NOETHER_ISA_CHECK_PRETEND_MISSING=" + first + " " NOETHER_BINARY " --help");
  EXPECT_EQ(rc, 3) << out;
  EXPECT_NE(out.find("this CPU lacks " + first), std::string::npos) << out;
  EXPECT_NE(out.find("NOETHER_SIMD=portable"), std::string::npos) << out;
}
