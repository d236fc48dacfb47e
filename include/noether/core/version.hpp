// core/version.hpp — the version of the noether library.
#pragma once

namespace noether {

/// "0.1.0".
const char* version();

}  // namespace noether
