// core/version.cpp — the version string of the noether library.
#include "noether/core/version.hpp"

namespace noether {
const char* version() { return "0.1.0"; }
}  // namespace noether
