// io/json_file.hpp — atomic text output (temporary name in the same folder, then rename).
#pragma once
#include <string>

namespace noether {
/// Write text to path via path.tmp-<pid> + rename; never leaves a partial file. Throws noether::Error.
void write_text_file_atomic(const std::string& path, const std::string& text);

/// The shortest decimal that parses back to exactly x, always a JSON float token ("-0.0", "1.0",
/// "5e-324"): what makes model and table files round-trip bit-exactly.
std::string json_number_text(double x);
}  // namespace noether
