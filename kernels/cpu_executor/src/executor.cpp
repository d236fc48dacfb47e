// executor.cpp — the CPU executor: runs a launch's blocks in parallel (OpenMP), the threads of each block as
// fibers (Boost.Context) that switch at every __syncthreads, and checks what a GPU would refuse or what would
// be undefined there (docs/CUDA_ON_CPU.md).
#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <cuda_runtime.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "noether_cpu/launch.hpp"
#include "noether_cpu/runtime_internal.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

thread_local uint3 threadIdx{0, 0, 0};
thread_local uint3 blockIdx{0, 0, 0};
thread_local dim3 blockDim{1, 1, 1};
thread_local dim3 gridDim{1, 1, 1};

namespace noether_cpu {
namespace {

namespace ctx = boost::context;

/// Stack of one GPU thread's fiber: 256 KiB (the MCLNN adjoint keeps large per-thread arrays), with a
/// PROT_NONE guard page below it so an overflow faults instead of corrupting a neighbour.
constexpr std::size_t kFiberStack = 256 * 1024;

/// Stacks reused across blocks by one host thread (mmap'ed once, never freed while the thread lives).
class StackPool {
 public:
  ~StackPool() {
    for (void* p : maps_) munmap(p, kFiberStack + page());
  }
  void* stack_top(std::size_t i) {
    while (maps_.size() <= i) {
      void* p = mmap(nullptr, kFiberStack + page(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                     -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      mprotect(p, page(), PROT_NONE);
      maps_.push_back(p);
    }
    return static_cast<char*>(maps_[i]) + page() + kFiberStack;
  }
  static std::size_t page() {
    static const std::size_t p = std::size_t(sysconf(_SC_PAGESIZE));
    return p;
  }

 private:
  std::vector<void*> maps_;
};

/// Boost.Context stack allocator handing out one pooled stack; deallocation is a no-op (the pool keeps it).
struct PooledStack {
  void* top;
  ctx::stack_context allocate() {
    ctx::stack_context sc;
    sc.size = kFiberStack;
    sc.sp = top;
    return sc;
  }
  void deallocate(ctx::stack_context&) noexcept {}
};

enum class ThreadState { Ready, AtBarrier, Done };
enum class BarrierKind { Sync, Or, And, Count };

struct GpuThread {
  ctx::fiber fiber;  // the thread's own context while suspended
  ctx::fiber sink;   // the scheduler, to switch back to
  uint3 idx{0, 0, 0};
  ThreadState state = ThreadState::Ready;
  BarrierKind kind = BarrierKind::Sync;
  int predicate = 0;  // this thread's contribution at the barrier
  int result = 0;     // the barrier's reduction, handed back to the thread
  std::size_t barriers = 0;
};

struct Block {
  std::vector<GpuThread> threads;
  std::string error;          // first failure inside the block (a thrown exception in device code)
  cudaError_t code = cudaSuccess;
};

thread_local Block* t_block = nullptr;
thread_local GpuThread* t_thread = nullptr;
thread_local unsigned char* t_dynamic_smem = nullptr;

/// The 16-byte aligned dynamic shared memory of the block this host thread runs, poisoned with 0xFF (NaN for
/// float and double) at every block start so reading it before writing shows.
class DynamicSmem {
 public:
  unsigned char* get(std::size_t bytes) {
    if (bytes == 0) return nullptr;
    if (bytes > buf_.size()) buf_.assign(bytes + 16, 0);
    unsigned char* p = buf_.data();
    p += (16 - reinterpret_cast<std::uintptr_t>(p) % 16) % 16;
    if (bytes > buf_.size() - std::size_t(p - buf_.data())) {
      buf_.assign(bytes + 32, 0);
      return get(bytes);
    }
    std::memset(p, 0xFF, bytes);
    return p;
  }

 private:
  std::vector<unsigned char> buf_;
};

int barrier(BarrierKind kind, int predicate) {
  GpuThread* me = t_thread;
  if (!me) {
    std::fprintf(stderr, "noether CPU executor: __syncthreads called outside a kernel\n");
    std::abort();
  }
  me->kind = kind;
  me->predicate = predicate;
  me->state = ThreadState::AtBarrier;
  me->sink = std::move(me->sink).resume();  // back to the scheduler; it resumes us once every thread arrived
  return me->result;
}

std::string block_name(const uint3& b) {
  std::ostringstream os;
  os << "(" << b.x << "," << b.y << "," << b.z << ")";
  return os.str();
}

/// Run one block: every thread a fiber, round-robin in thread order from barrier to barrier. Returns false with
/// `why` set when the block fails (divergent barrier, an exception from device code).
bool run_block(const uint3& bidx, const LaunchConfig& cfg, ThreadBody body, const void* closure, StackPool& pool,
               DynamicSmem& smem, std::string& why, cudaError_t& code) {
  blockIdx = bidx;
  blockDim = cfg.block;
  gridDim = cfg.grid;
  t_dynamic_smem = smem.get(cfg.smem);
  const unsigned bx = cfg.block.x, by = cfg.block.y, bz = cfg.block.z;
  const std::size_t n = std::size_t(bx) * by * bz;
  Block blk;
  blk.threads.resize(n);
  t_block = &blk;
  for (std::size_t t = 0; t < n; ++t) {
    GpuThread& th = blk.threads[t];
    th.idx = uint3{unsigned(t % bx), unsigned((t / bx) % by), unsigned(t / (std::size_t(bx) * by))};
    th.fiber = ctx::fiber(std::allocator_arg, PooledStack{pool.stack_top(t)}, [&th, &blk, body, closure](ctx::fiber&& s) {
      th.sink = std::move(s);
      try {
        body(closure);
      } catch (const ctx::detail::forced_unwind&) {
        throw;  // the fiber is being destroyed (the block was aborted): let Boost unwind it
      } catch (const std::exception& e) {
        if (blk.error.empty()) {
          blk.error = std::string("device code threw: ") + e.what();
          blk.code = cudaErrorAssert;
        }
      } catch (...) {
        if (blk.error.empty()) {
          blk.error = "device code threw a non-standard exception";
          blk.code = cudaErrorAssert;
        }
      }
      th.state = ThreadState::Done;
      return std::move(th.sink);
    });
  }
  bool ok = true;
  for (;;) {
    std::size_t waiting = 0, done = 0;
    for (GpuThread& th : blk.threads) {
      if (th.state == ThreadState::Ready) {
        threadIdx = th.idx;
        t_thread = &th;
        th.fiber = std::move(th.fiber).resume();
        t_thread = nullptr;
      }
      if (th.state == ThreadState::AtBarrier) ++waiting;
      if (th.state == ThreadState::Done) ++done;
    }
    if (!blk.error.empty()) {
      why = blk.error + " in block " + block_name(bidx);
      code = blk.code;
      ok = false;
      break;
    }
    if (waiting == 0) break;  // every thread finished
    if (done > 0) {
      std::ostringstream os;
      const GpuThread* w = nullptr;
      const GpuThread* d = nullptr;
      for (const GpuThread& th : blk.threads) {
        if (!w && th.state == ThreadState::AtBarrier) w = &th;
        if (!d && th.state == ThreadState::Done) d = &th;
      }
      os << "divergent __syncthreads in block " << block_name(bidx) << ": " << waiting << " of " << n
         << " threads wait at barrier #" << (w->barriers + 1) << " (first: thread " << block_name(w->idx) << ") while "
         << done << " have exited (first: thread " << block_name(d->idx) << ")";
      why = os.str();
      code = cudaErrorLaunchFailure;
      ok = false;
      break;
    }
    int any = 0, all = 1, count = 0;
    for (const GpuThread& th : blk.threads) {
      any |= th.predicate != 0;
      all &= th.predicate != 0;
      count += th.predicate != 0;
    }
    for (GpuThread& th : blk.threads) {
      switch (th.kind) {
        case BarrierKind::Sync: th.result = 0; break;
        case BarrierKind::Or: th.result = any; break;
        case BarrierKind::And: th.result = all; break;
        case BarrierKind::Count: th.result = count; break;
      }
      th.predicate = 0;
      ++th.barriers;
      th.state = ThreadState::Ready;
    }
  }
  // Destroying a suspended fiber unwinds it (only on failure; finished fibers are empty).
  for (GpuThread& th : blk.threads) {
    t_thread = &th;
    th.fiber = ctx::fiber();
  }
  t_thread = nullptr;
  t_block = nullptr;
  t_dynamic_smem = nullptr;
  return ok;
}

}  // namespace

unsigned char* dynamic_shared_memory() { return t_dynamic_smem; }

void launch(const LaunchConfig& cfg, ThreadBody body, const void* closure) {
  // --- configuration checks, as the driver makes them (the launch does not start)
  const dim3 b = cfg.block, g = cfg.grid;
  const unsigned long long threads = (unsigned long long)b.x * b.y * b.z;
  std::ostringstream os;
  if (b.x == 0 || b.y == 0 || b.z == 0 || g.x == 0 || g.y == 0 || g.z == 0) {
    os << "launch with a zero grid or block dimension: grid (" << g.x << "," << g.y << "," << g.z << "), block ("
       << b.x << "," << b.y << "," << b.z << ")";
    set_launch_error(cudaErrorInvalidConfiguration, os.str());
    return;
  }
  if (threads > kMaxThreadsPerBlock || b.x > kMaxThreadsPerBlock || b.y > kMaxThreadsPerBlock || b.z > 64) {
    os << "block (" << b.x << "," << b.y << "," << b.z << ") = " << threads << " threads exceeds the limit of "
       << kMaxThreadsPerBlock << " threads (z <= 64)";
    set_launch_error(cudaErrorInvalidConfiguration, os.str());
    return;
  }
  if (g.x > 2147483647u || g.y > 65535u || g.z > 65535u) {
    os << "grid (" << g.x << "," << g.y << "," << g.z << ") exceeds the limits (2^31 - 1, 65535, 65535)";
    set_launch_error(cudaErrorInvalidConfiguration, os.str());
    return;
  }
  const std::size_t allowed = max_dynamic_smem(cfg.func);
  if (cfg.smem > allowed) {
    os << "launch asks for " << cfg.smem << " bytes of dynamic shared memory; the kernel may use " << allowed
       << (allowed == kDefaultDynamicSmem ? " without cudaFuncSetAttribute(cudaFuncAttributeMaxDynamicSharedMemorySize)"
                                           : " (its cudaFuncAttributeMaxDynamicSharedMemorySize)");
    set_launch_error(cudaErrorInvalidValue, os.str());
    return;
  }
  if (!stream_valid(cfg.stream)) {
    set_launch_error(cudaErrorInvalidResourceHandle, "launch on a destroyed or unknown stream");
    return;
  }
  if (has_sticky_error()) return;

  // --- execution: blocks in parallel, each on one host thread from start to end
  const long long nblocks = (long long)g.x * g.y * g.z;
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::string why;
  cudaError_t code = cudaSuccess;
#pragma omp parallel if (nblocks > 1)
  {
    static thread_local StackPool pool;
    static thread_local DynamicSmem smem;
#pragma omp for schedule(dynamic, 1)
    for (long long k = 0; k < nblocks; ++k) {
      if (failed.load(std::memory_order_relaxed)) continue;
      const uint3 bidx{unsigned(k % g.x), unsigned((k / g.x) % g.y), unsigned(k / ((long long)g.x * g.y))};
      std::string w;
      cudaError_t c = cudaSuccess;
      bool ok;
      try {
        ok = run_block(bidx, cfg, body, closure, pool, smem, w, c);
      } catch (const std::exception& e) {
        ok = false, w = std::string("executor failure: ") + e.what(), c = cudaErrorUnknown;
      }
      if (!ok && !failed.exchange(true)) {
        std::lock_guard<std::mutex> lock(mu);
        why = w, code = c;
      }
    }
  }
  if (failed) set_execution_error(cfg.stream, code, why);
}

}  // namespace noether_cpu

void __syncthreads() { (void)noether_cpu::barrier(noether_cpu::BarrierKind::Sync, 0); }
int __syncthreads_or(int p) { return noether_cpu::barrier(noether_cpu::BarrierKind::Or, p); }
int __syncthreads_and(int p) { return noether_cpu::barrier(noether_cpu::BarrierKind::And, p); }
int __syncthreads_count(int p) { return noether_cpu::barrier(noether_cpu::BarrierKind::Count, p); }
void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }
void __threadfence_block() { std::atomic_thread_fence(std::memory_order_seq_cst); }
