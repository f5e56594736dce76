#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// The choices rerank's options name, as enums: parsed once here (ConfigError naming the
// option and the allowed values), used as values everywhere else (docs/cli.md).
namespace crossrank {

enum class OutputFormat { jsonl, trec, tsv };    // rerank --format
enum class LongDocs { truncate, chunk };         // rerank --long-docs
enum class Aggregate { max, first, mean };       // rerank --aggregate (with --long-docs chunk)

OutputFormat parse_output_format(std::string_view name);
LongDocs parse_long_docs(std::string_view name);
Aggregate parse_aggregate(std::string_view name);
const char* to_string(OutputFormat format);

// --shard I/N: ConfigError unless 0 <= index < count; spelled is how the user wrote it.
void check_shard(size_t index, size_t count, const std::string& spelled);

// --run-tag: the sixth column of a TREC run, so it must be one non-empty word. Returns tag;
// ConfigError otherwise.
const std::string& check_run_tag(const std::string& tag);

}  // namespace crossrank
