// support/temp_path.hpp — a temporary file path that belongs to one test: CTest runs every test as its own
// process and in parallel, so a fixed name under /tmp is shared by every test that writes it (two tests of one
// file once raced on /tmp/noether_bulk_err.json). The path carries the process id and the running test's name.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace noether_test {

/// temp_directory_path() / "noether_<stem>_<pid>_<Suite>.<Test><suffix>", e.g. unique_temp_path("bulk_err", ".json").
/// Outside a running test the test part reads "none". Also a folder's name (suffix ""): the fixtures' fresh folders.
inline std::filesystem::path unique_temp_path(const std::string& stem, const std::string& suffix) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string test = info ? std::string(info->test_suite_name()) + "." + info->name() : "none";
  for (char& c : test)
    if (c == '/') c = '_';  // parameterised and typed tests: "Prefix/Suite.Test/0" stays one name
  return std::filesystem::temp_directory_path() /
         ("noether_" + stem + "_" + std::to_string(::getpid()) + "_" + test + suffix);
}

/// A unique_temp_path file that is removed when this goes out of scope (a test's inputs leave nothing in /tmp).
struct TempFile {
  std::filesystem::path path;
  TempFile(const std::string& stem, const std::string& suffix) : path(unique_temp_path(stem, suffix)) {}
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
};

}  // namespace noether_test
