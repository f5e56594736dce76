// The only translation unit that includes libtorch's headers (with runtime_info.cpp).
#include <ATen/autocast_mode.h>
#include <caffe2/serialize/versions.h>
#include <torch/script.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "crossrank/error.hpp"
#include "crossrank/logging.hpp"
#include "crossrank/model_archive.hpp"
#include "crossrank/model.hpp"

namespace crossrank {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kKnownInputs = {"input_ids", "attention_mask", "token_type_ids"};

torch::Device pick_device(const Device& device) {
  switch (device.kind) {
    case Device::Kind::automatic:
      return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    case Device::Kind::cpu: return torch::Device(torch::kCPU);
    case Device::Kind::cuda: break;
  }
  const std::string name = to_string(device);
  if (!torch::cuda::is_available()) {
    throw ConfigError("--device " + name +
                      ": no CUDA device is available (this libtorch is CPU-only or no GPU is "
                      "visible); use --device cpu");
  }
  if (device.index >= static_cast<int>(torch::cuda::device_count())) {
    throw ConfigError("--device " + name + ": only " + std::to_string(torch::cuda::device_count()) +
                      " CUDA device(s)");
  }
  return device.index < 0 ? torch::Device(torch::kCUDA)
                          : torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(device.index));
}

c10::ScalarType pick_dtype(Dtype dtype, const torch::Device& device) {
  switch (dtype) {
    case Dtype::fp32: return torch::kFloat32;
    // Reduced precision only where the hardware computes it (docs/performance.md#reduced-precision).
    case Dtype::automatic:
      __builtin_cpu_init();
      return device.is_cpu() && __builtin_cpu_supports("avx512bf16") ? torch::kBFloat16 : torch::kFloat32;
    case Dtype::bf16: return torch::kBFloat16;
    case Dtype::fp16: break;
  }
  if (device.is_cpu()) throw ConfigError("--dtype fp16 runs on CUDA devices only; on the CPU use bf16 or fp32");
  return torch::kFloat16;
}

// Turns libtorch's autocast on for one device type in this thread, and back off. Autocast
// acts in the dispatcher, so it reaches every op a TorchScript graph runs, and casts
// constants the trace baked in (e.g. an fp32 attention mask) where they meet the products.
class AutocastScope {
 public:
  AutocastScope(c10::DeviceType type, c10::ScalarType dtype) : type_(type) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_dtype(type, dtype);
    at::autocast::set_autocast_enabled(type, true);
#else
    if (type == c10::DeviceType::CPU) {
      at::autocast::set_autocast_cpu_dtype(dtype);
      at::autocast::set_cpu_enabled(true);
    } else {
      at::autocast::set_autocast_gpu_dtype(dtype);
      at::autocast::set_enabled(true);
    }
#endif
  }
  ~AutocastScope() {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(type_, false);
#else
    if (type_ == c10::DeviceType::CPU) at::autocast::set_cpu_enabled(false);
    else at::autocast::set_enabled(false);
#endif
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  c10::DeviceType type_;
};

// Out of memory on the device (or the host, for the CPU): the caller can split the batch.
// The TorchScript interpreter rethrows op errors as std::runtime_error with a traceback,
// so the error's class is not enough and the message is read too.
bool is_out_of_memory(const std::exception& e) {
  if (dynamic_cast<const c10::OutOfMemoryError*>(&e) != nullptr) return true;
  if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) return true;
  const std::string what = e.what();
  return what.find("out of memory") != std::string::npos ||
         what.find("CUBLAS_STATUS_ALLOC_FAILED") != std::string::npos ||
         what.find("can't allocate memory") != std::string::npos;
}

// An int8 bundle (scripts/export_hf.py --quantize int8) repacks its weights for the
// process's quantized engine while loading. libtorch's default differs between builds
// (Debian's has onednn and qnnpack, no fbgemm), so choose the x86 kernels explicitly, in
// the order the exporter tries them.
void choose_quantized_engine() {
  const auto& supported = at::globalContext().supportedQEngines();
  for (const at::QEngine engine : {at::QEngine::X86, at::QEngine::FBGEMM, at::QEngine::ONEDNN,
                                   at::QEngine::QNNPACK}) {
    if (std::find(supported.begin(), supported.end(), engine) != supported.end()) {
      if (at::globalContext().qEngine() != engine) at::globalContext().setQEngine(engine);
      return;
    }
  }
}

// libtorch throws c10::Error, torch::jit::ErrorReport (unknown ops while loading) and plain
// std::runtime_error (from the interpreter, with a TorchScript traceback): keep the line
// that says what went wrong.
std::string torch_message(const std::exception& e) {
  if (const auto* c10 = dynamic_cast<const c10::Error*>(&e)) {
    const std::string what = c10->what_without_backtrace();
    return what.substr(0, what.find('\n'));
  }
  const std::string what = e.what();
  const auto runtime = what.rfind("RuntimeError: ");
  if (runtime != std::string::npos) {
    const std::string tail = what.substr(runtime + 14);
    return tail.substr(0, tail.find('\n'));
  }
  const auto start = what.find_first_not_of("\n ");
  if (start == std::string::npos) return "unknown error";
  return what.substr(start, what.find('\n', start) - start);
}

// A hint for files that are not TorchScript archives (zip) at all.
std::string archive_note(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[2] = {0, 0};
  in.read(magic, 2);
  if (magic[0] != 'P' || magic[1] != 'K') return " (the file is not a TorchScript zip archive)";
  return "";
}

// When libtorch's complaint is about an archive or ops newer than itself: both versions
// and the two ways out.
std::string version_note(const std::string& what, const std::string& producer_torch) {
  std::string archive;
  const std::string marker = "PyTorch file with version ";
  if (const auto at = what.find(marker); at != std::string::npos) {
    archive = what.substr(at + marker.size(), what.find_first_not_of("0123456789", at + marker.size()) -
                                                  (at + marker.size()));
  }
  const bool newer_ops = what.find("Unknown builtin op") != std::string::npos ||
                         what.find("Unknown type name") != std::string::npos;
  if (archive.empty() && !newer_ops) return "";
  std::string made_by = producer_torch.empty() ? "a newer torch" : "torch " + producer_torch;
  if (!archive.empty()) {
    made_by += " (archive format " + archive + "; this libtorch reads up to " +
               std::to_string(caffe2::serialize::kMaxSupportedFileFormatVersion) + ")";
  }
  return ": it was written by " + made_by + ", and crossrank links libtorch " TORCH_VERSION
         ". Export it again with torch <= " TORCH_VERSION " and eager attention (e.g. Debian 12's "
         "python3-torch: /usr/bin/python3 scripts/export_hf.py), or build crossrank against a "
         "libtorch at least as new (docs/models.md)";
}

// A trace records the device of every tensor the model creates (an arange for positions,
// a mask) as a constant, and small tensors it computed as constant tensors: on the device it
// was traced on, nearly always the CPU. Moving the weights is not enough to run such a model
// on a GPU, so those constants move too.
size_t move_device_constants(torch::jit::Block* block, const torch::Device& device) {
  size_t moved = 0;
  for (torch::jit::Node* node : block->nodes()) {
    for (torch::jit::Block* inner : node->blocks()) moved += move_device_constants(inner, device);
    if (node->kind() != c10::prim::Constant || !node->hasAttribute(c10::attr::value)) continue;
    if (node->output()->type()->kind() == c10::TypeKind::DeviceObjType &&
        node->s(c10::attr::value) == "cpu") {
      node->s_(c10::attr::value, device.str());
      ++moved;
    } else if (node->kindOf(c10::attr::value) == torch::jit::AttributeKind::t &&
               node->t(c10::attr::value).device().is_cpu()) {
      node->t_(c10::attr::value, node->t(c10::attr::value).to(device));
      ++moved;
    }
  }
  return moved;
}

size_t move_device_constants(torch::jit::Module& module, const torch::Device& device) {
  size_t moved = 0;
  for (const auto& child : module.modules()) {
    for (const auto& method : child.get_methods()) {
      moved += move_device_constants(method.graph()->block(), device);
    }
  }
  return moved;
}

// Autocast casts an fp32 weight to the lower precision at every call (its cast cache only
// keeps tensors that require grad): 13% of a bf16 MiniLM batch on the CPU. Casting the
// nn.Linear weights and biases once gives the same values, as autocast rounds the same way,
// and leaves it nothing to cast but activations. Returns how many modules were cast.
size_t cast_linear_weights(torch::jit::Module& module, c10::ScalarType dtype) {
  size_t cast = 0;
  for (torch::jit::Module m : module.modules()) {
    const auto type = m.type()->name();
    if (!type || type->name() != "Linear") continue;
    bool any = false;
    for (const char* name : {"weight", "bias"}) {
      if (!m.hasattr(name)) continue;
      const torch::jit::IValue value = m.attr(name);
      if (!value.isTensor() || value.toTensor().scalar_type() != torch::kFloat32) continue;
      m.setattr(name, value.toTensor().to(dtype));
      any = true;
    }
    cast += any;
  }
  return cast;
}

class TorchScriptModel final : public Model {
 public:
  TorchScriptModel(torch::jit::Module module, torch::Device device, c10::ScalarType dtype,
                   std::vector<std::string> inputs, int threads)
      : module_(std::move(module)), device_(device), dtype_(dtype), inputs_(std::move(inputs)),
        threads_(threads) {}

  Logits forward(const Batch& batch) override {
    c10::InferenceMode guard;
    std::optional<AutocastScope> autocast;
    if (dtype_ != torch::kFloat32) autocast.emplace(device_.type(), dtype_);
    torch::jit::IValue out;
    try {
      out = module_.forward(inputs_on_device(batch));
    } catch (const std::exception& e) {
      const std::string message = "model forward() failed on a batch of " +
                                  std::to_string(batch.rows) + "x" + std::to_string(batch.cols) +
                                  " on " + device_.str() + ": " + torch_message(e);
      if (is_out_of_memory(e)) throw DeviceMemoryError(message);
      if (message.find("index out of range in self") != std::string::npos) {
        throw ModelError(message + " (a token id is past the model's embedding matrix: the bundle's "
                         "tokenizer has more tokens than the model; see `crossrank info`)");
      }
      throw ModelError(message);
    }
    return to_logits(out, batch.rows);
  }

  std::vector<std::string> input_names() const override { return inputs_; }
  Device device() const override {
    if (device_.is_cpu()) return {Device::Kind::cpu, -1};
    return {Device::Kind::cuda, device_.has_index() ? static_cast<int>(device_.index()) : -1};
  }
  Dtype dtype() const override {
    return dtype_ == torch::kBFloat16 ? Dtype::bf16 : dtype_ == torch::kFloat16 ? Dtype::fp16 : Dtype::fp32;
  }
  int threads() const override { return threads_; }
  // libtorch's count is per thread under OpenMP (and OpenBLAS reads it). get_num_threads()
  // first: a thread's first call sets the count from the process-wide one.
  void use_threads(int threads) override {
    if (at::get_num_threads() != threads) at::set_num_threads(threads);
  }

 private:
  // The inputs forward() takes, as one [inputs x rows x cols] tensor: for a GPU it is
  // staged in pinned host memory and copied in one asynchronous transfer, which the
  // model's first kernels queue behind.
  std::vector<torch::jit::IValue> inputs_on_device(const Batch& batch) const {
    const int64_t rows = static_cast<int64_t>(batch.rows);
    const int64_t cols = static_cast<int64_t>(batch.cols);
    auto host = torch::empty({static_cast<int64_t>(inputs_.size()), rows, cols},
                             torch::TensorOptions().dtype(torch::kInt64).pinned_memory(!device_.is_cpu()));
    for (size_t i = 0; i < inputs_.size(); ++i) {
      const std::vector<int64_t>& data = inputs_[i] == "input_ids"        ? batch.input_ids
                                         : inputs_[i] == "attention_mask" ? batch.attention_mask
                                                                          : batch.token_type_ids;
      std::memcpy(host[static_cast<int64_t>(i)].data_ptr<int64_t>(), data.data(),
                  data.size() * sizeof(int64_t));
    }
    const torch::Tensor staged = device_.is_cpu() ? host : host.to(device_, /*non_blocking=*/true);
    std::vector<torch::jit::IValue> args;
    args.reserve(inputs_.size());
    for (size_t i = 0; i < inputs_.size(); ++i) args.emplace_back(staged[static_cast<int64_t>(i)]);
    return args;
  }

 private:
  static Logits to_logits(const torch::jit::IValue& out, size_t rows) {
    torch::Tensor t;
    if (out.isTensor()) {
      t = out.toTensor();
    } else if (out.isTuple() && !out.toTupleRef().elements().empty() &&
               out.toTupleRef().elements()[0].isTensor()) {
      t = out.toTupleRef().elements()[0].toTensor();
    } else if (out.isList() && out.toListRef().size() > 0 && out.toListRef()[0].isTensor()) {
      t = out.toListRef()[0].toTensor();
    } else if (out.isGenericDict()) {
      auto dict = out.toGenericDict();
      auto it = dict.find(std::string("logits"));
      if (it == dict.end() || !it->value().isTensor()) {
        throw ModelError("model output is a dict without a \"logits\" tensor");
      }
      t = it->value().toTensor();
    } else {
      throw ModelError("model output is a " + out.tagKind() +
                       "; expected a tensor, a tuple/list starting with one, or a dict with \"logits\"");
    }
    if (t.dim() == 1) t = t.unsqueeze(1);
    if (t.dim() != 2 || t.size(0) != static_cast<int64_t>(rows) || t.size(1) < 1) {
      std::ostringstream shape;
      shape << t.sizes();
      throw ModelError("model output has shape " + shape.str() + " for a batch of " +
                       std::to_string(rows) + "; expected [B], [B,1] or [B,C]");
    }
    t = t.to(torch::kCPU, torch::kFloat32).contiguous();
    Logits logits;
    logits.rows = rows;
    logits.labels = static_cast<size_t>(t.size(1));
    logits.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    return logits;
  }

  torch::jit::Module module_;
  torch::Device device_;
  c10::ScalarType dtype_;
  std::vector<std::string> inputs_;
  int threads_;
};

std::vector<std::string> schema_inputs(const torch::jit::Module& module, const fs::path& file,
                                       const std::vector<std::string>& override_names) {
  const auto& schema = module.get_method("forward").function().getSchema();
  std::vector<std::string> names;
  for (const auto& arg : schema.arguments()) {
    if (arg.name() == "self") continue;
    names.push_back(arg.name());
  }
  if (!override_names.empty()) {
    if (override_names.size() != names.size()) {
      throw ModelError(file.string() + ": crossrank.json names " +
                       std::to_string(override_names.size()) + " inputs but forward() takes " +
                       std::to_string(names.size()));
    }
    names = override_names;
  }
  if (names.empty()) throw ModelError(file.string() + ": forward() takes no inputs");
  for (const auto& n : names) {
    if (std::find(kKnownInputs.begin(), kKnownInputs.end(), n) == kKnownInputs.end()) {
      throw ModelError(file.string() + ": forward() takes an input named \"" + n +
                       "\"; crossrank can feed input_ids, attention_mask and token_type_ids "
                       "(name them in crossrank.json \"inputs\" if the trace lost the names)");
    }
  }
  if (std::find(names.begin(), names.end(), "input_ids") == names.end()) {
    throw ModelError(file.string() + ": forward() does not take input_ids");
  }
  return names;
}

}  // namespace

std::unique_ptr<Model> load_torchscript_model(const fs::path& file, const ModelOptions& options) {
  if (!fs::exists(file)) throw ModelError("model file not found: " + file.string());
  if (options.threads < 0) throw ConfigError("--threads must be 0 (one per core) or more");
  // Debian's libtorch starts with one intra-op thread; default to one per core. Threads
  // that start later take this count; model workers then set their share (use_threads).
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const int threads = options.threads > 0 ? options.threads : static_cast<int>(cores);
  at::set_num_threads(threads);
  const torch::Device device = pick_device(options.device);
  const c10::ScalarType dtype = pick_dtype(options.dtype, device);
  choose_quantized_engine();
  verify_model_archive(file);  // a git-lfs pointer, truncated or damaged file: say so, not libtorch
  torch::jit::Module module;
  try {
    module = torch::jit::load(file.string(), device);
  } catch (const std::exception& e) {
    const std::string what = torch_message(e);
    throw ModelError("cannot load TorchScript model " + file.string() + archive_note(file) +
                     version_note(what, options.producer_torch) + ": " + what);
  }
  module.eval();
  if (dtype != torch::kFloat32) {
    log::debug(std::to_string(cast_linear_weights(module, dtype)) + " linear layer(s) cast to " +
               std::string(c10::toString(dtype)) + " once, for autocast");
  }
  if (!device.is_cpu()) {
    const size_t moved = move_device_constants(module, device);
    if (moved > 0) {
      log::debug(std::to_string(moved) + " device constant(s) of the trace moved from cpu to " +
                 device.str());
    }
  }
  auto inputs = schema_inputs(module, file, options.input_names);
  return std::make_unique<TorchScriptModel>(std::move(module), device, dtype, std::move(inputs), threads);
}

}  // namespace crossrank
