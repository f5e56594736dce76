#include "crossrank/task_pool.hpp"

#include <algorithm>
#include <utility>

namespace crossrank {

TaskPool::TaskPool(size_t helpers) {
  threads_.reserve(helpers);
  for (size_t i = 0; i < helpers; ++i) threads_.emplace_back([this] { loop(); });
}

TaskPool::~TaskPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  for (auto& t : threads_) t.join();
}

void TaskPool::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (next_ < count_ && !error_) {
    const size_t index = next_++;
    lock.unlock();
    std::exception_ptr error;
    try {
      (*task_)(index);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (error && !error_) error_ = error;
  }
}

void TaskPool::loop() {
  uint64_t seen = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return closing_ || (generation_ != seen && seats_ > 0); });
    if (closing_) return;
    seen = generation_;
    --seats_;
    ++running_;
    lock.unlock();
    work();
    lock.lock();
    --running_;
    changed_.notify_all();
  }
}

void TaskPool::run(size_t count, const std::function<void(size_t)>& task, size_t workers) {
  if (count == 0) return;
  const size_t helpers = std::min({workers == 0 ? threads_.size() : workers - 1, threads_.size(), count - 1});
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = &task;
    count_ = count;
    next_ = 0;
    seats_ = helpers;
    error_ = nullptr;
    ++generation_;
  }
  if (helpers > 0) changed_.notify_all();
  work();
  std::unique_lock<std::mutex> lock(mutex_);
  // Helpers that have not woken yet lose their seat: every index is taken.
  seats_ = 0;
  changed_.wait(lock, [&] { return running_ == 0; });
  task_ = nullptr;
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

}  // namespace crossrank
