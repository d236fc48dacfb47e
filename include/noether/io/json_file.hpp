// io/json_file.hpp — atomic text output (temporary name in the same folder, then rename).
#pragma once
#include <string>

namespace noether {
/// Write text to path via path.tmp-<pid> + rename; never leaves a partial file. Throws noether::Error.
void write_text_file_atomic(const std::string& path, const std::string& text);

}  // namespace noether
