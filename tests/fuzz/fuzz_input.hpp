// tests/fuzz/fuzz_input.hpp — what every fuzz target of tests/fuzz/ shares: the input bytes as a file (the
// loaders read paths, and resolve relative paths next to the file), and the rule that noether::Error is the
// only acceptable failure: any other exception escaping a loader is reported and aborts (a finding, as are
// crashes and sanitizer reports). docs/FUZZING.md.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <typeinfo>
#include <unistd.h>

#include "noether/core/error.hpp"

namespace noether_fuzz {

/// A folder of this process under the temporary folder ($TMPDIR), created on first use, removed at exit.
inline const std::string& work_dir() {
  struct Dir {
    std::filesystem::path path;
    Dir() : path(std::filesystem::temp_directory_path() / ("noether-fuzz-" + std::to_string(::getpid()))) {
      std::filesystem::create_directories(path);
    }
    ~Dir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const Dir dir;
  static const std::string name = dir.path.string();
  return name;
}

/// Write the input to work_dir()/name (replacing the previous input) and return the path.
inline std::string write_input(const std::uint8_t* data, std::size_t size, const std::string& name) {
  const std::string path = work_dir() + "/" + name;
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(data), std::streamsize(size));
  if (!f) {
    std::fprintf(stderr, "fuzz: cannot write the input to %s\n", path.c_str());
    std::abort();
  }
  return path;
}

/// Run one loader call: noether::Error is the expected answer to a bad input; any other exception is a finding.
template <class F>
int run_loader(F&& load) {
  try {
    load();
  } catch (const noether::Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: a %s escaped the loader (expected noether::Error): %s\n", typeid(e).name(), e.what());
    std::abort();
  }
  return 0;
}

}  // namespace noether_fuzz
