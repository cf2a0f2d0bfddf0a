#pragma once
// Cancellation of long computations (issue 11: Ctrl-C inside a long C++ call).
//
// The long loops (the planner's greedy, improvement, restarts and bound; the Monte Carlo draws of
// a composite index; synth's generation, ward by ward; every domain estimate) call
// detail::check_interrupt() every so often. It throws commdx::interrupted when a stop was asked
// for: by commdx::request_interrupt() (async-signal-safe, for a C++ program's own SIGINT handler)
// or by the interrupt hook returning true (the Python bindings install one that takes the GIL and
// runs Python's signal handlers: src/module.cpp). The check reads a flag and, at most every
// 20 ms per thread, calls the hook; it never changes a result, only whether one is returned (the
// planner stays deterministic by its work budgets). The core knows nothing of Python.
#include <atomic>
#include <chrono>
#include <exception>

namespace commdx {

/// Thrown by a long computation asked to stop. Not a commdx::error: nothing is wrong with the
/// input, and a handler of commdx::error does not catch it. The computation's partial results are
/// discarded; call commdx::clear_interrupt() before the next computation.
class interrupted : public std::exception {
 public:
  const char* what() const noexcept override { return "commdx: interrupted"; }
};

/// A function the long loops call every so often (from whichever thread runs them); true means
/// stop. It may be called from several threads at once.
using interrupt_hook = bool (*)();

namespace detail {
inline std::atomic<interrupt_hook> installed_interrupt_hook{nullptr};
inline std::atomic<bool> interrupt_flag{false};
static_assert(std::atomic<bool>::is_always_lock_free, "request_interrupt must be async-signal-safe");
inline constexpr std::chrono::milliseconds interrupt_poll_interval{20};
/// This thread's time of the next call of the hook.
inline std::chrono::steady_clock::time_point& next_interrupt_poll() noexcept {
  thread_local std::chrono::steady_clock::time_point next{};
  return next;
}
}  // namespace detail

/// Installs the hook (nullptr: none, the default); returns the previous one. The calling thread's
/// next check calls the new hook at once.
inline interrupt_hook set_interrupt_hook(interrupt_hook hook) noexcept {
  detail::next_interrupt_poll() = {};
  return detail::installed_interrupt_hook.exchange(hook);
}

/// Asks the running computations to stop (they throw commdx::interrupted at their next check).
/// Async-signal-safe: a SIGINT handler may call it.
inline void request_interrupt() noexcept { detail::interrupt_flag.store(true, std::memory_order_relaxed); }

/// Whether a stop was asked for and not cleared since.
inline bool interrupt_requested() noexcept { return detail::interrupt_flag.load(std::memory_order_relaxed); }

/// Forgets an earlier request, so that the next computation runs.
inline void clear_interrupt() noexcept { detail::interrupt_flag.store(false, std::memory_order_relaxed); }

namespace detail {

/// The check the long loops call: cheap (an atomic load, and a clock read while a hook is
/// installed), so it can sit in a loop whose iterations take microseconds.
inline void check_interrupt() {
  if (interrupt_flag.load(std::memory_order_relaxed)) throw interrupted();
  const interrupt_hook hook = installed_interrupt_hook.load(std::memory_order_relaxed);
  if (hook == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  auto& next = next_interrupt_poll();
  if (now < next) return;
  next = now + interrupt_poll_interval;
  if (hook()) {
    request_interrupt();  // the other threads of the computation stop at their next check
    throw interrupted();
  }
}

}  // namespace detail
}  // namespace commdx
