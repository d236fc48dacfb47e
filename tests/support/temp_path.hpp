// support/temp_path.hpp — a temporary file path that belongs to one test: CTest runs every test as its own
// process and in parallel, so a fixed name under /tmp is shared by every test that writes it (two tests of one
// file once raced on /tmp/noether_bulk_err.json). The path carries the process id and the running test's name.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace noether_test {

/// temp_directory_path() / "noether_<stem>_<pid>_<Suite>.<Test><suffix>", e.g. unique_temp_path("bulk_err", ".json").
/// Outside a running test the test part reads "none".
inline std::filesystem::path unique_temp_path(const std::string& stem, const std::string& suffix) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string test = info ? std::string(info->test_suite_name()) + "." + info->name() : "none";
  return std::filesystem::temp_directory_path() /
         ("noether_" + stem + "_" + std::to_string(::getpid()) + "_" + test + suffix);
}

}  // namespace noether_test
