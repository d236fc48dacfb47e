// io/json_file.cpp — atomic text-file output.
#include "noether/io/json_file.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fstream>

#include "noether/core/error.hpp"

namespace noether {

void write_text_file_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp-" + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    NOETHER_REQUIRE(out, path << ": cannot open for writing");
    out << text;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      NOETHER_FAIL(path << ": write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    NOETHER_FAIL(path << ": cannot rename temporary file into place");
  }
}

}  // namespace noether
