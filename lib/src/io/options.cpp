#include "crossrank/options.hpp"

#include <charconv>
#include <utility>

#include "crossrank/error.hpp"

namespace crossrank {

namespace {

template <typename Enum, size_t N>
using Names = std::pair<const char*, Enum>[N];

template <typename Enum, size_t N>
Enum parse_choice(std::string_view name, const Names<Enum, N>& names, const char* option) {
  std::string allowed;
  for (const auto& [text, value] : names) {
    if (name == text) return value;
    allowed += (allowed.empty() ? "" : " | ") + std::string(text);
  }
  throw ConfigError(std::string(option) + " \"" + std::string(name) + "\": expected " + allowed);
}

constexpr Names<OutputFormat, 3> kFormats = {
    {"jsonl", OutputFormat::jsonl}, {"trec", OutputFormat::trec}, {"tsv", OutputFormat::tsv}};
constexpr Names<LongDocs, 2> kLongDocs = {{"truncate", LongDocs::truncate}, {"chunk", LongDocs::chunk}};
constexpr Names<Aggregate, 3> kAggregates = {
    {"max", Aggregate::max}, {"first", Aggregate::first}, {"mean", Aggregate::mean}};

constexpr Names<Dtype, 4> kDtypes = {
    {"fp32", Dtype::fp32}, {"bf16", Dtype::bf16}, {"fp16", Dtype::fp16}, {"auto", Dtype::automatic}};

template <typename Enum, size_t N>
const char* name_of(Enum value, const Names<Enum, N>& names) {
  for (const auto& [text, v] : names) {
    if (v == value) return text;
  }
  return names[0].first;
}

}  // namespace

OutputFormat parse_output_format(std::string_view name) { return parse_choice(name, kFormats, "--format"); }
LongDocs parse_long_docs(std::string_view name) { return parse_choice(name, kLongDocs, "--long-docs"); }
Aggregate parse_aggregate(std::string_view name) { return parse_choice(name, kAggregates, "--aggregate"); }
const char* to_string(OutputFormat format) { return name_of(format, kFormats); }

Dtype parse_dtype(std::string_view name) { return parse_choice(name, kDtypes, "--dtype"); }
const char* to_string(Dtype dtype) { return name_of(dtype, kDtypes); }

Device parse_device(std::string_view name) {
  if (name == "auto") return {};
  if (name == "cpu") return {Device::Kind::cpu, -1};
  if (name == "cuda") return {Device::Kind::cuda, -1};
  const std::string_view prefix = "cuda:";
  if (name.substr(0, prefix.size()) == prefix) {
    const std::string_view digits = name.substr(prefix.size());
    int index = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (!digits.empty() && error == std::errc() && end == digits.data() + digits.size() && index >= 0) {
      return {Device::Kind::cuda, index};
    }
  }
  throw ConfigError("--device \"" + std::string(name) + "\": expected auto | cpu | cuda | cuda:N");
}

std::string to_string(const Device& device) {
  switch (device.kind) {
    case Device::Kind::cpu: return "cpu";
    case Device::Kind::cuda: return device.index < 0 ? "cuda" : "cuda:" + std::to_string(device.index);
    case Device::Kind::automatic: break;
  }
  return "auto";
}

const std::string& check_run_tag(const std::string& tag) {
  if (tag.empty() || tag.find_first_of(" \t\r\n\v\f") != std::string::npos) {
    throw ConfigError("--run-tag \"" + tag + "\": the tag is one column of a TREC run, so it must be "
                      "a non-empty word without whitespace (e.g. bm25-crossrank)");
  }
  return tag;
}

void check_shard(size_t index, size_t count, const std::string& spelled) {
  if (count == 0 || index >= count) throw ConfigError("--shard " + spelled + ": expected I/N with 0 <= I < N");
}

}  // namespace crossrank
