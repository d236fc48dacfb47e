// core/error.hpp — the one exception type of noether and the macros that throw it with file:line.
// Library code throws; only main() turns an exception into a message and an exit code.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace noether {

/// Every failure noether reports: a message that names the file, key or flag and what was expected.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace noether

/// Throw noether::Error with a streamed message, e.g. NOETHER_FAIL("key 'dt' must be > 0, got " << dt).
#define NOETHER_FAIL(msg)                 \
  do {                                    \
    std::ostringstream noether_os_;       \
    noether_os_ << msg;                   \
    throw ::noether::Error(noether_os_.str()); \
  } while (0)

/// Throw when cond is false; the message says what was expected.
#define NOETHER_REQUIRE(cond, msg) \
  do {                             \
    if (!(cond)) NOETHER_FAIL(msg); \
  } while (0)

/// Internal invariant: failing means a bug in noether; the message carries file:line and the expression.
#define NOETHER_ASSERT(cond)                                                              \
  do {                                                                                    \
    if (!(cond)) NOETHER_FAIL("internal error at " << __FILE__ << ":" << __LINE__ << ": " #cond); \
  } while (0)
