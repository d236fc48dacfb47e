// runtime.cpp — the CPU executor's CUDA runtime: errors, the one "device", device memory (guard-paged,
// poisoned), pinned memory, streams, events, function attributes. Work is executed when it is enqueued, so
// every stream is trivially in order and an event completes when recorded (docs/CUDA_ON_CPU.md).
#include <cuda_runtime.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "noether_cpu/runtime_internal.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

struct CUstream_st {
  unsigned flags;
};
struct CUevent_st {
  unsigned flags;
  bool recorded;
  std::chrono::steady_clock::time_point when;
};

namespace noether_cpu {
namespace {

// ------------------------------------------------------------------------------------------- errors
thread_local cudaError_t t_last_error = cudaSuccess;
std::mutex g_mu;                           // guards everything below
cudaError_t g_pending = cudaSuccess;       // an execution error not yet seen by a synchronisation
std::string g_detail;                      // text of the executor's latest error
cudaError_t g_detail_code = cudaSuccess;
std::string g_detail_text;                 // cudaGetErrorString's buffer for g_detail_code
std::set<cudaStream_t> g_streams;
std::unordered_map<const void*, std::size_t> g_func_smem;

cudaError_t record(cudaError_t e) {
  if (e != cudaSuccess) t_last_error = e;
  return e;
}

/// The pending execution error (cleared), for the calls that synchronise.
cudaError_t take_pending() {
  std::lock_guard<std::mutex> lock(g_mu);
  const cudaError_t e = g_pending;
  g_pending = cudaSuccess;
  return e;
}

// ------------------------------------------------------------------------------------------- memory
/// Device and pinned allocations: each on its own pages, ending (to 16 bytes) at a PROT_NONE guard page, so
/// an access past the end faults at once; fresh memory is filled with 0xFF (NaN in float and double).
struct Allocation {
  void* map;
  std::size_t map_len;
  std::size_t bytes;
  bool device;
};
std::map<std::uintptr_t, Allocation> g_allocs;  // by user pointer

std::size_t page_size() {
  static const std::size_t p = std::size_t(sysconf(_SC_PAGESIZE));
  return p;
}

bool poison_enabled() {
  static const bool on = [] {
    const char* e = std::getenv("NOETHER_CPUEXEC_POISON");
    return !(e && std::string(e) == "0");
  }();
  return on;
}

void segv_handler(int sig, siginfo_t* info, void*) {
  char buf[256];
  const int n = std::snprintf(buf, sizeof buf,
                              "noether CPU executor: out-of-bounds device access at address %p (a guard page "
                              "after a cudaMalloc / cudaMallocHost allocation, or a fiber stack overflow)\n",
                              info->si_addr);
  if (n > 0) (void)!write(2, buf, std::size_t(n));
  signal(sig, SIG_DFL);
  raise(sig);
}

void install_segv_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, nullptr);
    sigaction(SIGBUS, &sa, nullptr);
  });
}

cudaError_t guarded_alloc(void** ptr, std::size_t bytes, bool device) {
  if (!ptr) return cudaErrorInvalidValue;
  *ptr = nullptr;
  if (bytes == 0) return cudaSuccess;
  install_segv_handler();
  const std::size_t pg = page_size();
  const std::size_t used = (bytes + 15) / 16 * 16;
  const std::size_t data_len = (used + pg - 1) / pg * pg;
  void* m = mmap(nullptr, data_len + pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return cudaErrorMemoryAllocation;
  mprotect(static_cast<char*>(m) + data_len, pg, PROT_NONE);
  char* user = static_cast<char*>(m) + (data_len - used);
  if (poison_enabled()) std::memset(user, 0xFF, used);
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_allocs[reinterpret_cast<std::uintptr_t>(user)] = Allocation{m, data_len + pg, bytes, device};
  }
  *ptr = user;
  return cudaSuccess;
}

cudaError_t guarded_free(void* p, bool device) {
  if (!p) return cudaSuccess;
  Allocation a;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = g_allocs.find(reinterpret_cast<std::uintptr_t>(p));
    if (it == g_allocs.end() || it->second.device != device) return cudaErrorInvalidValue;
    a = it->second;
    g_allocs.erase(it);
  }
  munmap(a.map, a.map_len);
  return cudaSuccess;
}

/// True when [p, p + bytes) lies inside one device allocation.
bool in_device_memory(const void* p, std::size_t bytes) {
  std::lock_guard<std::mutex> lock(g_mu);
  const std::uintptr_t a = reinterpret_cast<std::uintptr_t>(p);
  auto it = g_allocs.upper_bound(a);
  if (it == g_allocs.begin()) return false;
  --it;
  return it->second.device && a >= it->first && a + bytes <= it->first + it->second.bytes;
}

cudaError_t check_copy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind) {
  if (bytes == 0) return cudaSuccess;
  if (!dst || !src) return cudaErrorInvalidValue;
  const bool dst_dev = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
  const bool src_dev = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
  if (kind > cudaMemcpyDefault) return cudaErrorInvalidMemcpyDirection;
  if ((dst_dev && !in_device_memory(dst, bytes)) || (src_dev && !in_device_memory(src, bytes))) {
    set_launch_error(cudaErrorInvalidValue, "cudaMemcpy: a device range is not inside one cudaMalloc allocation");
    return cudaErrorInvalidValue;
  }
  return cudaSuccess;
}

}  // namespace

// ------------------------------------------------------------------------------------------- internal API
void set_launch_error(cudaError_t code, const std::string& detail) {
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_detail = detail;
    g_detail_code = code;
  }
  t_last_error = code;
}

void set_execution_error(cudaStream_t, cudaError_t code, const std::string& detail) {
  std::fprintf(stderr, "noether CPU executor: kernel failed: %s\n", detail.c_str());
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_detail = detail;
    g_detail_code = code;
    g_pending = code;
  }
  t_last_error = code;
}

bool has_sticky_error() { return false; }

std::size_t max_dynamic_smem(const void* func) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_func_smem.find(func);
  return it == g_func_smem.end() ? kDefaultDynamicSmem : it->second;
}

bool stream_valid(cudaStream_t s) {
  if (!s) return true;
  std::lock_guard<std::mutex> lock(g_mu);
  return g_streams.count(s) > 0;
}

}  // namespace noether_cpu

using namespace noether_cpu;

// ------------------------------------------------------------------------------------------- errors
cudaError_t cudaGetLastError() {
  const cudaError_t e = t_last_error;
  t_last_error = cudaSuccess;
  return e;
}
cudaError_t cudaPeekAtLastError() { return t_last_error; }

const char* cudaGetErrorName(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInitializationError: return "cudaErrorInitializationError";
    case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
    case cudaErrorInvalidDevicePointer: return "cudaErrorInvalidDevicePointer";
    case cudaErrorInvalidMemcpyDirection: return "cudaErrorInvalidMemcpyDirection";
    case cudaErrorInvalidDeviceFunction: return "cudaErrorInvalidDeviceFunction";
    case cudaErrorNoDevice: return "cudaErrorNoDevice";
    case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
    case cudaErrorInvalidResourceHandle: return "cudaErrorInvalidResourceHandle";
    case cudaErrorNotReady: return "cudaErrorNotReady";
    case cudaErrorIllegalAddress: return "cudaErrorIllegalAddress";
    case cudaErrorLaunchOutOfResources: return "cudaErrorLaunchOutOfResources";
    case cudaErrorAssert: return "cudaErrorAssert";
    case cudaErrorLaunchFailure: return "cudaErrorLaunchFailure";
    default: return "cudaErrorUnknown";
  }
}

static const char* base_error_string(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorInvalidResourceHandle: return "invalid resource handle";
    case cudaErrorNotReady: return "device not ready";
    case cudaErrorAssert: return "device-side assert triggered";
    case cudaErrorLaunchFailure: return "unspecified launch failure";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected";
    default: return "unknown error";
  }
}

const char* cudaGetErrorString(cudaError_t e) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (e != cudaSuccess && e == g_detail_code && !g_detail.empty()) {
    g_detail_text = std::string(base_error_string(e)) + " [CPU executor: " + g_detail + "]";
    return g_detail_text.c_str();
  }
  return base_error_string(e);
}

// ------------------------------------------------------------------------------------------- device
static int host_threads() {
#if defined(_OPENMP)
  return omp_get_max_threads();
#else
  return 1;
#endif
}

cudaError_t cudaGetDeviceCount(int* count) {
  if (!count) return record(cudaErrorInvalidValue);
  *count = 1;
  return cudaSuccess;
}
cudaError_t cudaGetDevice(int* dev) {
  if (!dev) return record(cudaErrorInvalidValue);
  *dev = 0;
  return cudaSuccess;
}
cudaError_t cudaSetDevice(int dev) { return dev == 0 ? cudaSuccess : record(cudaErrorInvalidDevice); }

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* p, int dev) {
  if (!p) return record(cudaErrorInvalidValue);
  if (dev != 0) return record(cudaErrorInvalidDevice);
  std::memset(p, 0, sizeof *p);
  std::snprintf(p->name, sizeof p->name, "noether CPU executor (%d host threads)", host_threads());
  p->totalGlobalMem = std::size_t(8) << 30;
  p->sharedMemPerBlock = kDefaultDynamicSmem;
  p->sharedMemPerBlockOptin = kMaxDynamicSmemOptin;
  p->warpSize = 32;
  p->maxThreadsPerBlock = int(kMaxThreadsPerBlock);
  p->maxThreadsDim[0] = 1024, p->maxThreadsDim[1] = 1024, p->maxThreadsDim[2] = 64;
  p->maxGridSize[0] = 2147483647, p->maxGridSize[1] = 65535, p->maxGridSize[2] = 65535;
  p->clockRate = 1000000;  // 1 GHz nominal
  p->major = 9, p->minor = 0;
  p->multiProcessorCount = host_threads();
  return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int* v, cudaDeviceAttr attr, int dev) {
  if (!v) return record(cudaErrorInvalidValue);
  if (dev != 0) return record(cudaErrorInvalidDevice);
  cudaDeviceProp p;
  cudaGetDeviceProperties(&p, 0);
  switch (attr) {
    case cudaDevAttrMaxThreadsPerBlock: *v = p.maxThreadsPerBlock; break;
    case cudaDevAttrMaxBlockDimX: *v = p.maxThreadsDim[0]; break;
    case cudaDevAttrMaxBlockDimY: *v = p.maxThreadsDim[1]; break;
    case cudaDevAttrMaxBlockDimZ: *v = p.maxThreadsDim[2]; break;
    case cudaDevAttrMaxGridDimX: *v = p.maxGridSize[0]; break;
    case cudaDevAttrMaxGridDimY: *v = p.maxGridSize[1]; break;
    case cudaDevAttrMaxGridDimZ: *v = p.maxGridSize[2]; break;
    case cudaDevAttrMaxSharedMemoryPerBlock: *v = int(p.sharedMemPerBlock); break;
    case cudaDevAttrWarpSize: *v = 32; break;
    case cudaDevAttrClockRate: *v = p.clockRate; break;
    case cudaDevAttrMultiProcessorCount: *v = p.multiProcessorCount; break;
    case cudaDevAttrComputeCapabilityMajor: *v = p.major; break;
    case cudaDevAttrComputeCapabilityMinor: *v = p.minor; break;
    case cudaDevAttrMaxSharedMemoryPerBlockOptin: *v = int(p.sharedMemPerBlockOptin); break;
    default: return record(cudaErrorInvalidValue);
  }
  return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize() { return record(take_pending()); }

cudaError_t cudaFuncSetAttribute(const void* func, cudaFuncAttribute attr, int value) {
  if (!func) return record(cudaErrorInvalidDeviceFunction);
  if (attr == cudaFuncAttributeMaxDynamicSharedMemorySize) {
    if (value < 0 || std::size_t(value) > kMaxDynamicSmemOptin) return record(cudaErrorInvalidValue);
    std::lock_guard<std::mutex> lock(g_mu);
    g_func_smem[func] = std::max<std::size_t>(std::size_t(value), kDefaultDynamicSmem);
    return cudaSuccess;
  }
  if (attr == cudaFuncAttributePreferredSharedMemoryCarveout) return cudaSuccess;
  return record(cudaErrorInvalidValue);
}

// ------------------------------------------------------------------------------------------- memory
cudaError_t cudaMalloc(void** p, std::size_t bytes) { return record(guarded_alloc(p, bytes, true)); }
cudaError_t cudaFree(void* p) {
  const cudaError_t pending = take_pending();  // cudaFree synchronises
  const cudaError_t e = guarded_free(p, true);
  return record(e != cudaSuccess ? e : pending);
}
cudaError_t cudaMallocHost(void** p, std::size_t bytes) { return record(guarded_alloc(p, bytes, false)); }
cudaError_t cudaFreeHost(void* p) { return record(guarded_free(p, false)); }

cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind) {
  const cudaError_t pending = take_pending();  // synchronous copy: reports earlier kernel failures
  if (pending != cudaSuccess) return record(pending);
  const cudaError_t e = check_copy(dst, src, bytes, kind);
  if (e != cudaSuccess) return record(e);
  if (bytes) std::memmove(dst, src, bytes);
  return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind, cudaStream_t s) {
  if (!stream_valid(s)) return record(cudaErrorInvalidResourceHandle);
  const cudaError_t e = check_copy(dst, src, bytes, kind);
  if (e != cudaSuccess) return record(e);
  if (bytes) std::memmove(dst, src, bytes);
  return cudaSuccess;
}

cudaError_t cudaMemset(void* dst, int value, std::size_t bytes) { return cudaMemsetAsync(dst, value, bytes, nullptr); }
cudaError_t cudaMemsetAsync(void* dst, int value, std::size_t bytes, cudaStream_t s) {
  if (!stream_valid(s)) return record(cudaErrorInvalidResourceHandle);
  if (bytes == 0) return cudaSuccess;
  if (!dst || !in_device_memory(dst, bytes)) {
    set_launch_error(cudaErrorInvalidValue, "cudaMemset: the range is not inside one cudaMalloc allocation");
    return cudaErrorInvalidValue;
  }
  std::memset(dst, value, bytes);
  return cudaSuccess;
}

// ------------------------------------------------------------------------------------------- streams
cudaError_t cudaStreamCreate(cudaStream_t* s) { return cudaStreamCreateWithFlags(s, cudaStreamDefault); }
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* s, unsigned flags) {
  if (!s) return record(cudaErrorInvalidValue);
  *s = new CUstream_st{flags};
  std::lock_guard<std::mutex> lock(g_mu);
  g_streams.insert(*s);
  return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t s) {
  if (!s) return record(cudaErrorInvalidResourceHandle);
  {
    std::lock_guard<std::mutex> lock(g_mu);
    if (!g_streams.erase(s)) return record(cudaErrorInvalidResourceHandle);
  }
  delete s;
  return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t s) {
  if (!stream_valid(s)) return record(cudaErrorInvalidResourceHandle);
  return record(take_pending());
}
cudaError_t cudaStreamQuery(cudaStream_t s) { return cudaStreamSynchronize(s); }
cudaError_t cudaStreamWaitEvent(cudaStream_t s, cudaEvent_t e, unsigned) {
  if (!stream_valid(s) || !e) return record(cudaErrorInvalidResourceHandle);
  return cudaSuccess;
}

// ------------------------------------------------------------------------------------------- events
cudaError_t cudaEventCreate(cudaEvent_t* e) { return cudaEventCreateWithFlags(e, cudaEventDefault); }
cudaError_t cudaEventCreateWithFlags(cudaEvent_t* e, unsigned flags) {
  if (!e) return record(cudaErrorInvalidValue);
  *e = new CUevent_st{flags, false, {}};
  return cudaSuccess;
}
cudaError_t cudaEventDestroy(cudaEvent_t e) {
  if (!e) return record(cudaErrorInvalidResourceHandle);
  delete e;
  return cudaSuccess;
}
cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t s) {
  if (!e || !stream_valid(s)) return record(cudaErrorInvalidResourceHandle);
  e->recorded = true;
  e->when = std::chrono::steady_clock::now();
  return cudaSuccess;
}
cudaError_t cudaEventSynchronize(cudaEvent_t e) {
  if (!e) return record(cudaErrorInvalidResourceHandle);
  return record(take_pending());
}
cudaError_t cudaEventQuery(cudaEvent_t e) { return cudaEventSynchronize(e); }
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t a, cudaEvent_t b) {
  if (!ms) return record(cudaErrorInvalidValue);
  if (!a || !b || !a->recorded || !b->recorded || (a->flags & cudaEventDisableTiming) ||
      (b->flags & cudaEventDisableTiming))
    return record(cudaErrorInvalidResourceHandle);
  *ms = std::chrono::duration<float, std::milli>(b->when - a->when).count();
  return cudaSuccess;
}
