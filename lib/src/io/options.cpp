#include "crossrank/options.hpp"

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

}  // namespace

OutputFormat parse_output_format(std::string_view name) { return parse_choice(name, kFormats, "--format"); }

LongDocs parse_long_docs(std::string_view name) { return parse_choice(name, kLongDocs, "--long-docs"); }
Aggregate parse_aggregate(std::string_view name) { return parse_choice(name, kAggregates, "--aggregate"); }

const char* to_string(OutputFormat format) {
  for (const auto& [text, value] : kFormats) {
    if (value == format) return text;
  }
  return "jsonl";
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
