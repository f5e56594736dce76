#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// The choices options name, as types: parsed once here (ConfigError naming the option and
// the allowed values), used as values everywhere else (docs/cli.md).
namespace crossrank {

enum class OutputFormat { jsonl, trec, tsv };    // rerank --format
enum class LongDocs { truncate, chunk };         // rerank --long-docs
enum class Aggregate { max, first, mean };       // rerank --aggregate (with --long-docs chunk)

OutputFormat parse_output_format(std::string_view name);
LongDocs parse_long_docs(std::string_view name);
Aggregate parse_aggregate(std::string_view name);
const char* to_string(OutputFormat format);

// --device: where the model runs. automatic is resolved when the model loads (CUDA when a
// device is visible); a loaded model's device is cpu or cuda.
struct Device {
  enum class Kind { automatic, cpu, cuda };
  Kind kind = Kind::automatic;
  int index = -1;  // cuda:N; -1: CUDA's current device
  bool is_cpu() const { return kind == Kind::cpu; }
  bool is_cuda() const { return kind == Kind::cuda; }
};
Device parse_device(std::string_view name);  // auto | cpu | cuda | cuda:N
std::string to_string(const Device& device);  // as parse_device reads it

// --dtype: the precision of the matrix products. automatic is resolved when the model loads
// (bf16 on a CPU with AVX-512 BF16, else fp32); a loaded model's is fp32, bf16 or fp16.
enum class Dtype { automatic, fp32, bf16, fp16 };
Dtype parse_dtype(std::string_view name);
const char* to_string(Dtype dtype);

// --shard I/N: ConfigError unless 0 <= index < count; spelled is how the user wrote it.
void check_shard(size_t index, size_t count, const std::string& spelled);

// --run-tag: the sixth column of a TREC run, so it must be one non-empty word. Returns tag;
// ConfigError otherwise.
const std::string& check_run_tag(const std::string& tag);

}  // namespace crossrank
