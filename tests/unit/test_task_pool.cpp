#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "crossrank/task_pool.hpp"

TEST_CASE("a task pool runs every index once, on its threads and the caller's", "[task_pool]") {
  crossrank::TaskPool pool(3);
  CHECK(pool.workers() == 4);
  for (size_t count : {0, 1, 2, 7, 500}) {
    std::vector<std::atomic<int>> runs(count);
    std::mutex mutex;
    std::set<std::thread::id> threads;
    pool.run(count, [&](size_t i) {
      ++runs[i];
      std::lock_guard<std::mutex> lock(mutex);
      threads.insert(std::this_thread::get_id());
    });
    for (const auto& r : runs) CHECK(r == 1);
    CHECK(threads.size() <= std::min<size_t>(count, 4));
  }
}

TEST_CASE("a task pool call can be limited to fewer workers", "[task_pool]") {
  crossrank::TaskPool pool(3);
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  pool.run(64, [&](size_t) {
    const int now = ++inside;
    for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {}
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    --inside;
  }, 2);
  CHECK(most <= 2);
  crossrank::TaskPool alone(0);
  std::vector<size_t> order;
  alone.run(5, [&](size_t i) { order.push_back(i); });
  CHECK(order == std::vector<size_t>{0, 1, 2, 3, 4});
}

TEST_CASE("a task pool rethrows the first error and stays usable", "[task_pool]") {
  crossrank::TaskPool pool(2);
  std::atomic<size_t> ran{0};
  // Every task fails: each thread runs one, and no index is handed out after a failure.
  CHECK_THROWS_WITH(pool.run(1000, [&](size_t) {
                      ++ran;
                      throw std::runtime_error("task failed");
                    }),
                    "task failed");
  CHECK(ran <= 3);
  std::atomic<size_t> again{0};
  pool.run(10, [&](size_t) { ++again; });
  CHECK(again == 10);
}
