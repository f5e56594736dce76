#pragma once

#include <string>

#include "crossrank/error.hpp"

// Stopping on SIGINT/SIGTERM without losing or cutting output (docs/errors.md#interrupted):
// the handler only records the signal; readers, the scorer and the writer look at it
// between lines and batches, write every query that is finished, and the process then ends
// by that signal, so the shell sees 130 or 143 and `rerank --resume` continues the run.
namespace crossrank {

// Installs the handlers, except for a signal the process was started ignoring. A second
// signal ends the process at once (the default action).
void install_stop_handlers();
// The signal that asked to stop, or 0.
int stop_signal();
inline bool stop_requested() { return stop_signal() != 0; }
// What a handler does; tests call it directly.
void request_stop(int signal);
// Forgets a request (tests).
void clear_stop();

// Thrown once work stopped for a signal, every finished output line written. exit_code() is
// the shell's status for the signal (128 + number); main() ends the process by the signal.
class Interrupted : public Error {
 public:
  Interrupted(int signal, const std::string& message) : Error(message), signal_(signal) {}
  int signal() const { return signal_; }
  int exit_code() const override { return 128 + signal_; }

 private:
  int signal_;
};

}  // namespace crossrank
