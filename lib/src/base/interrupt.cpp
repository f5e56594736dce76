#include "crossrank/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace crossrank {

namespace {

// Read by every thread, written by a handler: lock-free atomics are async-signal-safe.
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int signal) { g_signal = signal; }

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESETHAND: a second Ctrl-C kills at once. SA_RESTART: reads and writes in progress
  // resume; the code polls the flag instead of relying on EINTR.
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  for (int signal : {SIGINT, SIGTERM}) {
    struct sigaction old {};
    // An ignored signal stays ignored (nohup, a shell's background job).
    if (sigaction(signal, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    sigaction(signal, &action, nullptr);
  }
}

int stop_signal() { return g_signal; }

void request_stop(int signal) { g_signal = signal; }

void clear_stop() { g_signal = 0; }

}  // namespace crossrank
