#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace crossrank {

// Persistent threads that share the indices of one call at a time with the caller. They
// live as long as the pool, so per-thread state (libtorch's and OpenMP's thread counts,
// OpenMP teams) is set up once, not per call.
class TaskPool {
 public:
  // helpers: threads besides the caller's; 0 runs everything on the caller.
  explicit TaskPool(size_t helpers);
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // Runs task(i) for each i in [0, count) once, on up to `workers` threads (the caller's
  // among them; 0: all of the pool's), and returns when all have returned. The first
  // exception a task throws stops the handing out of indices and is rethrown here.
  // One call at a time.
  void run(size_t count, const std::function<void(size_t)>& task, size_t workers = 0);

  size_t workers() const { return threads_.size() + 1; }

 private:
  void loop();
  void work();  // takes indices until none are left or a task failed

  std::mutex mutex_;
  std::condition_variable changed_;
  const std::function<void(size_t)>* task_ = nullptr;
  size_t count_ = 0;
  size_t next_ = 0;
  size_t seats_ = 0;    // helpers still allowed to join the current call
  size_t running_ = 0;  // helpers inside the current call
  uint64_t generation_ = 0;
  bool closing_ = false;
  std::exception_ptr error_;
  std::vector<std::thread> threads_;  // last: they start once the state above exists
};

}  // namespace crossrank
