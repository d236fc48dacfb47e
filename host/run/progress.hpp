// run/progress.hpp — a one-line progress display with rate and ETA on stderr (only when stderr is a
// terminal, or NOETHER_PROGRESS=1), redrawn at most 5 times a second.
#pragma once
#include <chrono>
#include <functional>
#include <string>

namespace noether {

/// A per-thread observer of every Progress::update (label, done, total), called before the display is
/// drawn; it may throw to stop the work (the Python API uses it for callbacks and Ctrl-C). Empty: none.
using ProgressHook = std::function<void(const std::string& label, long done, long total)>;
/// Install `hook` for the calling thread; returns the previous one.
ProgressHook set_progress_hook(ProgressHook hook);

class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();
  /// Report `done` of `total` units of work; `note` (e.g. "loss 1.2e-6") is shown after the ETA.
  void update(long done, long total, const std::string& note = "");

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace noether
