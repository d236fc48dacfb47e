// io/json_config.cpp — reading a JSON file with errors that name it (io/json_config.hpp).
#include "noether/io/json_config.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace noether {
namespace cfg {
namespace {

/// Tracks the key path while nlohmann's parser runs, so that a key appearing twice in one object is an error
/// naming the file and the key path (JSON itself allows it; nlohmann would keep the last silently).
class DuplicateKeyCheck {
 public:
  explicit DuplicateKeyCheck(const std::string& file) : file_(file) {}
  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        frames_.push_back({event == E::object_start, {}, "", 0});
        break;
      case E::object_end:
      case E::array_end:
        if (!frames_.empty()) frames_.pop_back();
        element();
        break;
      case E::key: {
        Frame& f = frames_.back();
        const std::string k = parsed.get<std::string>();
        f.current = k;
        if (!f.keys.insert(k).second) NOETHER_FAIL(file_ << ": " << path() << ": duplicate key (it appears twice in one object)");
        break;
      }
      case E::value:
        element();
        break;
    }
    return true;
  }

  /// The key path being parsed ("top level" when none), for numbers that fail before they exist.
  std::string where() const {
    const std::string p = path();
    return p.empty() ? "top level" : p;
  }
 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;
    std::string current;
    std::size_t next;
  };
  /// An element of the innermost array is complete (a value, or a nested object or array ended).
  void element() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().next;
  }
  std::string path() const {
    std::string p;
    for (const Frame& f : frames_) {
      if (f.object) p += (p.empty() ? "" : ".") + f.current;
      else p += "[" + std::to_string(f.next) + "]";
    }
    return p;
  }
  std::string file_;
  std::vector<Frame> frames_;
};

}  // namespace

std::string read_text_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  NOETHER_REQUIRE(!std::filesystem::is_directory(path, ec), path << ": is a directory, expected a " << what);
  std::ifstream in(path, std::ios::binary);
  NOETHER_REQUIRE(in, path << ": cannot open " << what);
  std::stringstream ss;
  ss << in.rdbuf();
  NOETHER_REQUIRE(!in.bad(), path << ": cannot read " << what);
  return ss.str();
}

json parse_json_text(const std::string& text, const std::string& file) {
  DuplicateKeyCheck check(file);
  try {
    return json::parse(text, [&check](int depth, json::parse_event_t ev, json& parsed) { return check(depth, ev, parsed); });
  } catch (const json::out_of_range& e) {  // a number beyond float64's range, e.g. 1e999 (thrown before the value exists)
    NOETHER_FAIL(file << ": " << check.where() << ": expected a finite number (a number out of the range of a double, such as 1e999; "
                      << e.what() << ")");
  }
}

json read_json_file(const std::string& path, const std::string& what) {
  const std::string text = read_text_file(path, what);
  try {
    return parse_json_text(text, path);
  } catch (const json::exception& e) {
    NOETHER_FAIL(path << ": malformed JSON: " << e.what());
  }
}
}  // namespace cfg

}  // namespace noether
