#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "crossrank/options.hpp"

namespace crossrank {

// A padded batch, row-major [rows x cols]; padding has attention_mask 0.
struct Batch {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<int64_t> input_ids;
  std::vector<int64_t> attention_mask;
  std::vector<int64_t> token_type_ids;
};

// Raw model outputs, row-major [rows x labels].
struct Logits {
  size_t rows = 0;
  size_t labels = 0;
  std::vector<float> values;
  float at(size_t row, size_t label) const { return values[row * labels + label]; }
};

// A scoring model. The TorchScript one is the real implementation; tests use fakes.
class Model {
 public:
  virtual ~Model() = default;
  virtual Logits forward(const Batch& batch) = 0;
  // The inputs forward() takes, in order: input_ids, attention_mask, token_type_ids.
  virtual std::vector<std::string> input_names() const = 0;
  virtual Device device() const = 0;  // cpu or cuda
  // The precision of the matrix products: fp32, bf16 or fp16.
  virtual Dtype dtype() const { return Dtype::fp32; }
  // Intra-op threads the model was loaded with: the cores its forward() may use.
  virtual int threads() const { return 1; }
  // Intra-op threads for forward() calls made from the calling thread, so that threads
  // running batches at once share the cores. Does nothing for models without threads.
  virtual void use_threads(int /*threads*/) {}
};

struct ModelOptions {
  Device device;  // auto: CUDA when a device is visible, else the CPU
  // Precision of matrix products and attention: fp32 | bf16 | fp16 (fp16: CUDA only) | auto.
  // The weights stay as exported; libtorch's autocast runs the products in the lower
  // precision and keeps softmax, layer norm and sums in fp32, as sentence-transformers under
  // autocast.
  Dtype dtype = Dtype::fp32;
  int threads = 0;              // intra-op threads; 0: one per core
  // Names for forward()'s inputs when its own argument names are not the standard ones
  // (crossrank.json "inputs"); empty: read from the TorchScript schema.
  std::vector<std::string> input_names;
  // The torch version that wrote the archive, when known (crossrank.json "exported_by"),
  // named in the error when this libtorch cannot read it.
  std::string producer_torch;
};

// Loads a TorchScript cross-encoder (model.pt) in eval mode. Throws ModelError with
// the reason (missing file, not TorchScript, archive newer than this libtorch, inputs
// it cannot feed) and ConfigError for an unusable device or dtype. forward() throws
// DeviceMemoryError when the device cannot hold a batch.
std::unique_ptr<Model> load_torchscript_model(const std::filesystem::path& file,
                                              const ModelOptions& options);

}  // namespace crossrank
