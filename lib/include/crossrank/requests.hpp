#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossrank/jsonl.hpp"
#include "crossrank/pair_encoder.hpp"

// The JSONL records of docs/cli.md: what `rerank`, `score` and `tokenize` read and write.
// Parsers throw InputError naming the field; callers add the line number.
namespace crossrank {

struct Document {
  Json id;  // the user's id (string or number), else the 0-based position
  std::string text;
  Json label;  // its "label" or "relevance" as given, for `eval`; null when absent
  Json fields;  // the fields DocumentOptions carry into its result; null when none
};

// {"qid": ..., "query": "...", "docs": [{"id": ..., "text": ...} | "text", ...], ...}
struct RerankRequest {
  Json record;  // the input object without its document list
  std::string query;
  std::optional<std::string> instruction;  // the line's "instruction" (LLM rerankers)
  std::vector<Document> docs;
  const char* list_key = "docs";  // the list's name in the input ("docs", "passages", ...)
};

// The names rerank input accepts (docs/cli.md#rerank-input), also read by --flat rows.
inline constexpr const char* kDocListKeys[] = {"docs", "documents", "candidates", "passages", "texts"};
inline constexpr const char* kDocIdKeys[] = {"id", "docid", "doc_id", "pid"};
inline constexpr const char* kDocTextKeys[] = {"text", "contents", "passage"};
inline constexpr const char* kDocLabelKeys[] = {"label", "relevance"};
// The fields of a result that are crossrank's own: a document's fields of these names are
// not copied into it.
inline constexpr const char* kResultKeys[] = {"id", "index", "score", "label", "text"};

// How documents are read beyond id, text and label (docs/formats.md#document-fields).
struct DocumentOptions {
  std::vector<std::string> fields;  // rerank --doc-fields: copied into each result when present
  bool all_fields = false;          // --doc-fields all: every field but the text
  bool with_title = false;          // --with-title: score (title + " " + text).strip(), as BEIR
};

// --doc-fields "title,url" (or "all"); ConfigError for an empty name or one of kResultKeys.
void parse_doc_fields(std::string_view list, DocumentOptions& documents);

// {"text_a","text_b"} | {"query","text"} | {"query","document"} | {"sentence1","sentence2"}
// | ["a", "b"]
struct PairRequest {
  Json record;  // the input object; null when the input was an array
  std::string first;
  std::string second;
  std::optional<std::string> instruction;  // the record's "instruction" (LLM rerankers)
};

// Limits on one input record (docs/cli.md#limits); 0 means none. Exceeding one is an
// InputError naming the field, like any bad line.
struct InputLimits {
  size_t max_docs = 100000;         // rerank: documents of one query (--max-docs)
  size_t max_text_chars = 1000000;  // characters (code points) of a query or document (--max-text-chars)
};

// Objects and arrays nest at most this deep in an input line: real records need a few
// levels, and crossrank's own output writer recurses.
constexpr size_t kMaxJsonDepth = 1000;

// One JSONL line as JSON; InputError otherwise: "not valid JSON (column N: ...)", invalid
// UTF-8 and lone surrogates included, a key repeated in one object, or nesting deeper than
// kMaxJsonDepth.
Json parse_json_line(std::string_view line);
// The record's "qid" when it is a string or an integer (what --shard, --resume, --format
// trec/tsv and --flat key on); nullptr otherwise.
const Json* qid_of(const Json& record);

RerankRequest parse_rerank_request(std::string_view line, const InputLimits& limits = {},
                                   const DocumentOptions& documents = {});
PairRequest parse_pair_request(std::string_view line, const InputLimits& limits = {});
// The same from a record parsed already (parse_json_line's checks done). record is moved
// into the request when it is valid and left as it was when they throw.
RerankRequest rerank_request_from(Json& record, const InputLimits& limits = {},
                                  const DocumentOptions& documents = {});
PairRequest pair_request_from(Json& record, const InputLimits& limits = {});

// A qid or doc id as text: strings as they are, integers in decimal.
std::string id_text(const Json& id);

// The shard of a query (0..count-1): FNV-1a 64 of its qid's text, modulo count. Stable across
// runs, machines and crossrank versions (docs/scaling.md).
size_t shard_of(const Json& qid, size_t count);

}  // namespace crossrank
