// core/memory.hpp — checked size arithmetic and "will this fit" estimates, so that a count read from a file
// or a flag (frames, trajectories, --steps, a .npy shape) is refused with a message naming it before any
// allocation, instead of overflowing or ending in std::bad_alloc.
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace noether {

/// a * b, or false (and `out` untouched) when the product overflows 64 bits.
bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t& out);

/// The product of `factors`; throws noether::Error "<what>: <f1> x <f2> x ... overflows" on overflow.
std::uint64_t checked_product(std::initializer_list<std::uint64_t> factors, const std::string& what);

/// Bytes of memory available to this process: MemAvailable of /proc/meminfo, else sysconf's free pages,
/// capped by RLIMIT_AS when one is set; 0 when unknown.
std::uint64_t available_memory_bytes();

/// Throws noether::Error "<what> needs about <bytes> (…), more than the <avail> of memory available" when `bytes`
/// exceeds the available memory (or the address space); does nothing when it fits, when memory is unknown, or for
/// requests up to 16 MiB (never refused; memory is then not queried, which keeps tiny calls cheap).
void require_memory(std::uint64_t bytes, const std::string& what);

/// The process's peak resident memory so far (VmHWM of /proc/self/status), 0 when unknown.
std::uint64_t peak_resident_bytes();

/// "1.5 GB", "12 MB", "800 B" for messages.
std::string format_bytes(std::uint64_t bytes);

}  // namespace noether
