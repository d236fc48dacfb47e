// run/progress.cpp — implementation of the stderr progress line.
#include "run/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace noether {

Progress::Progress(std::string label)
    : label_(std::move(label)),
      enabled_(isatty(fileno(stderr)) || (std::getenv("NOETHER_PROGRESS") && std::string(std::getenv("NOETHER_PROGRESS")) == "1")),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
  if (drawn_) std::fputc('\n', stderr);
}

namespace {
thread_local ProgressHook t_hook;
}

ProgressHook set_progress_hook(ProgressHook hook) {
  ProgressHook old = std::move(t_hook);
  t_hook = std::move(hook);
  return old;
}

void Progress::update(long done, long total, const std::string& note) {
  if (t_hook) t_hook(label_, done, total);
  if (!enabled_ || total <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = done > 0 ? elapsed * double(total - done) / double(done) : 0.0;
  std::fprintf(stderr, "\r%s: %ld/%ld (%3.0f%%)  elapsed %.1fs  ETA %.1fs  %s   ", label_.c_str(), done, total,
               100.0 * double(done) / double(total), elapsed, eta, note.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace noether
