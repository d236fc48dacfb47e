// io/json_config.cpp — reading a JSON file with errors that name it (io/json_config.hpp).
#include "noether/io/json_config.hpp"

#include <fstream>

namespace noether {
namespace cfg {
json read_json_file(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  NOETHER_REQUIRE(in, path << ": cannot open " << what);
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    NOETHER_FAIL(path << ": malformed JSON: " << e.what());
  }
}
}  // namespace cfg

}  // namespace noether
