// core/memory.cpp — checked products and available-memory estimates (core/memory.hpp).
#include "noether/core/memory.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "noether/core/error.hpp"

namespace noether {

bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return false;
  out = a * b;
  return true;
}

std::uint64_t checked_product(std::initializer_list<std::uint64_t> factors, const std::string& what) {
  std::uint64_t p = 1;
  for (std::uint64_t f : factors) {
    if (!checked_mul(p, f, p)) {
      std::ostringstream os;
      bool first = true;
      for (std::uint64_t g : factors) os << (first ? "" : " x ") << g, first = false;
      NOETHER_FAIL(what << ": " << os.str() << " overflows 64 bits (too large)");
    }
  }
  return p;
}

std::uint64_t available_memory_bytes() {
  std::uint64_t avail = 0;
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (in >> key >> kb) {
    std::getline(in, unit);
    if (key == "MemAvailable:") {
      avail = kb * 1024;
      break;
    }
  }
  if (avail == 0) {
    const long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) avail = std::uint64_t(pages) * std::uint64_t(page);
  }
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    const std::uint64_t cap = std::uint64_t(rl.rlim_cur);
    if (avail == 0 || cap < avail) avail = cap;
  }
  return avail;
}

std::uint64_t peak_resident_bytes() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) {
      std::istringstream in(line.substr(6));
      std::uint64_t kb = 0;
      if (in >> kb) return kb * 1024;
    }
  return 0;
}

std::string format_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double v = double(bytes);
  int u = 0;
  while (v >= 1000 && u < 6) v /= 1000, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.3g %s", v, units[u]);
  return buf;
}

void require_memory(std::uint64_t bytes, const std::string& what) {
  // Below 16 MiB nothing is refused, and /proc/meminfo is not read (~20 us, most of a tiny Python rollout call).
  if (bytes <= (std::uint64_t(16) << 20)) return;
  const std::uint64_t avail = available_memory_bytes();
  if (avail == 0 || bytes <= avail) return;
  NOETHER_FAIL(what << " needs about " << format_bytes(bytes) << " of memory, more than the " << format_bytes(avail)
                    << " available; reduce it");
}

}  // namespace noether
