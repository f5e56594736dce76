#pragma once

// A stand-in for a TorchScript model, for tests of batching, scoring and stopping.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "crossrank/error.hpp"
#include "crossrank/interrupt.hpp"
#include "crossrank/jsonl.hpp"
#include "crossrank/reranker.hpp"
#include "support.hpp"

namespace crossrank::test {

// Scores a row by the sum of its unpadded ids, and remembers every batch shape it ran. A
// batch of more than memory_cells padded tokens fails as a device out of memory. After
// stop_after batches, it requests a stop as SIGTERM's handler would (interrupt.hpp).
class FakeModel : public crossrank::Model {
 public:
  explicit FakeModel(std::vector<std::pair<size_t, size_t>>* shapes, size_t labels = 1,
                     size_t memory_cells = SIZE_MAX, size_t stop_after = SIZE_MAX)
      : shapes_(shapes), labels_(labels), memory_cells_(memory_cells), stop_after_(stop_after) {}
  // As a CPU model with this many threads, whose batches Reranker may run on several
  // workers: forward() is then called concurrently, and shares() holds each call's
  // use_threads() value.
  FakeModel& on_cpu(int threads) {
    threads_ = threads;
    return *this;
  }

  crossrank::Logits forward(const crossrank::Batch& batch) override {
    if (batch.rows * batch.cols > memory_cells_) {
      throw crossrank::DeviceMemoryError("CUDA out of memory (fake)");
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      shapes_->emplace_back(batch.rows, batch.cols);
      shares_.push_back(share());
      if (shapes_->size() == stop_after_) crossrank::request_stop(SIGTERM);
    }
    crossrank::Logits out{batch.rows, labels_, {}};
    for (size_t r = 0; r < batch.rows; ++r) {
      float sum = 0;
      for (size_t c = 0; c < batch.cols; ++c) {
        const size_t i = r * batch.cols + c;
        if (batch.attention_mask[i]) sum += static_cast<float>(batch.input_ids[i]);
        // Thrown, not CHECKed: Catch's assertions are not thread-safe.
        else if (batch.input_ids[i] != 0) throw std::logic_error("padding is not the pad id");
      }
      for (size_t l = 0; l < labels_; ++l) out.values.push_back(sum + static_cast<float>(l));
    }
    return out;
  }
  std::vector<std::string> input_names() const override {
    return {"input_ids", "attention_mask", "token_type_ids"};
  }
  // Without threads: a device that is not a CPU, so batches run one at a time.
  crossrank::Device device() const override {
    return {threads_ > 0 ? crossrank::Device::Kind::cpu : crossrank::Device::Kind::cuda, -1};
  }
  int threads() const override { return threads_ > 0 ? threads_ : 1; }
  void use_threads(int threads) override { share() = threads; }
  std::vector<int> shares() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return shares_;
  }

 private:
  static int& share() {
    thread_local int threads = 0;
    return threads;
  }

  int threads_ = 0;
  mutable std::mutex mutex_;
  std::vector<int> shares_;
  std::vector<std::pair<size_t, size_t>>* shapes_;
  size_t labels_;
  size_t memory_cells_;
  size_t stop_after_;
};

// A LineSource over lines held in memory, numbered from 1.
using Lines = crossrank::MemoryLines;

inline crossrank::Reranker fake_reranker(std::unique_ptr<FakeModel> model,
                                         crossrank::BatchingOptions batching, size_t labels = 1,
                                         size_t model_workers = 0) {
  crossrank::BundleConfig bundle;
  bundle.num_labels = labels;
  bundle.activation = crossrank::Activation::identity;
  crossrank::ScoringOptions options;
  options.batching = batching;
  options.model_workers = model_workers;
  return crossrank::Reranker(bundle, crossrank::test::bert_tokenizer(), std::move(model), options);
}

inline crossrank::Reranker fake_reranker(std::vector<std::pair<size_t, size_t>>* shapes,
                                         crossrank::BatchingOptions batching, size_t labels = 1,
                                         size_t memory_cells = SIZE_MAX, size_t stop_after = SIZE_MAX) {
  return fake_reranker(std::make_unique<FakeModel>(shapes, labels, memory_cells, stop_after), batching,
                       labels);
}

}  // namespace crossrank::test
