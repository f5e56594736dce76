#include "crossrank/requests.hpp"

#include <algorithm>
#include <cstdlib>
#include <unordered_set>

#include "crossrank/error.hpp"
#include "text/unicode.hpp"

namespace crossrank {

namespace {


std::string quote(std::string_view key) { return "\"" + std::string(key) + "\""; }

const std::string& require_string(const Json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end()) throw InputError(where + "missing field " + quote(key));
  if (!it->is_string()) {
    throw InputError(where + "field " + quote(key) + " must be a string, not " + it->type_name());
  }
  return it->get_ref<const std::string&>();
}

// At most one of keys may be present; returns it, or nullptr.
const char* find_one_of(const Json& object, const char* const* begin, const char* const* end,
                        const std::string& where) {
  const char* found = nullptr;
  for (auto k = begin; k != end; ++k) {
    if (!object.contains(*k)) continue;
    if (found) throw InputError(where + "both " + quote(found) + " and " + quote(*k) + " given");
    found = *k;
  }
  return found;
}

// A query or document text within limits.max_text_chars; where() names the field, and is only
// built for the error.
template <typename Where>
const std::string& checked_text(const std::string& text, const InputLimits& limits, Where where) {
  if (limits.max_text_chars == 0 || text.size() <= limits.max_text_chars) return text;
  // Code points: every byte but UTF-8 continuation bytes (the parser checked the encoding).
  const size_t chars = static_cast<size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  if (chars > limits.max_text_chars) {
    throw InputError(where() + " has " + std::to_string(chars) + " characters, over the limit of " +
                     std::to_string(limits.max_text_chars) + " (--max-text-chars)");
  }
  return text;
}

// A record's own "instruction" for an LLM reranker's prompt (docs/cli.md#instructions).
std::optional<std::string> instruction_of(const Json& object, const InputLimits& limits) {
  if (!object.contains("instruction")) return std::nullopt;
  return checked_text(require_string(object, "instruction", ""), limits,
                      [] { return std::string("field \"instruction\""); });
}

// Python's str.strip(): what BEIR applies to title + " " + text. Python's whitespace is
// Unicode's White_Space plus the separators U+001C..U+001F.
std::string python_strip(const std::string& text) {
  auto space = [](char32_t c) { return unicode::is_whitespace(c) || (c >= 0x1C && c <= 0x1F); };
  const std::u32string chars = unicode::decode_utf8(text);  // valid: the JSON parser checked it
  const auto first = std::find_if_not(chars.begin(), chars.end(), space);
  const auto last = std::find_if_not(chars.rbegin(), std::make_reverse_iterator(first), space).base();
  std::string out;
  for (auto c = first; c != last; ++c) unicode::append_utf8(*c, out);
  return out;
}

Document parse_document(const Json& value, size_t position, const std::string& list_key,
                        const InputLimits& limits, const DocumentOptions& options) {
  const std::string where = quote(list_key) + "[" + std::to_string(position) + "]: ";
  if (value.is_string()) {
    return {Json(position), checked_text(value.get_ref<const std::string&>(), limits, [&] { return where + "the text"; }),
            Json(), Json()};
  }
  if (!value.is_object()) {
    throw InputError(where + "must be a string or an object, not " + value.type_name());
  }
  Document doc;
  const char* text_key = find_one_of(value, std::begin(kDocTextKeys), std::end(kDocTextKeys), where);
  if (!text_key) throw InputError(where + "missing field \"text\" (or \"contents\", \"passage\")");
  doc.text = checked_text(require_string(value, text_key, where), limits,
                          [&] { return where + "field " + quote(text_key); });
  if (options.with_title && value.contains("title")) {
    const std::string& title = checked_text(require_string(value, "title", where), limits,
                                            [&] { return where + "field \"title\""; });
    doc.text = python_strip(title + " " + doc.text);
  }
  if (const char* label_key = find_one_of(value, std::begin(kDocLabelKeys), std::end(kDocLabelKeys), where)) {
    doc.label = value.at(label_key);
  }
  const char* id_key = find_one_of(value, std::begin(kDocIdKeys), std::end(kDocIdKeys), where);
  if (!id_key) {
    doc.id = position;
  } else {
    doc.id = value.at(id_key);
    if (!doc.id.is_string() && !doc.id.is_number_integer()) {
      throw InputError(where + "field " + quote(id_key) + " must be a string or an integer, not " +
                       doc.id.type_name());
    }
  }
  if (options.all_fields) {
    doc.fields = value;
    doc.fields.erase(text_key);
  } else {
    for (const std::string& key : options.fields) {
      if (auto it = value.find(key); it != value.end()) {
        if (doc.fields.is_null()) doc.fields = Json::object();
        doc.fields[key] = *it;
      }
    }
  }
  return doc;
}

// What an object that is not a rerank line looks like, as a hint; empty when nothing fits.
std::string rerank_hint(const Json& j) {
  auto any = [&](const auto& keys) {
    return std::any_of(std::begin(keys), std::end(keys), [&](const char* k) { return j.contains(k); });
  };
  if (j.contains("qid") && (any(kDocTextKeys) || any(kDocIdKeys))) {
    return ": this looks like a flat row, one (query, candidate) per line: use rerank --flat";
  }
  for (const char* key : {"text", "document", "text_b", "sentence2"}) {
    if (j.contains(key)) return ": this looks like one (query, document) pair: use crossrank score, or rerank --flat for rows with a \"qid\"";
  }
  return "";
}

}  // namespace

Json parse_json_line(std::string_view line) {
  // The callback sees every object's keys as they are read; one set of keys per open object.
  std::vector<std::unordered_set<std::string>> keys;
  size_t depth = 0;
  auto check = [&](int, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        if (++depth > kMaxJsonDepth) {
          throw InputError("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
        }
        if (event == Json::parse_event_t::object_start) keys.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        keys.pop_back();
        --depth;
        break;
      case Json::parse_event_t::array_end:
        --depth;
        break;
      case Json::parse_event_t::key:
        if (!keys.back().insert(parsed.get<std::string>()).second) {
          throw InputError("key " + parsed.dump() + " appears twice in one object");
        }
        break;
      case Json::parse_event_t::value:
        break;
    }
    return true;
  };
  try {
    return Json::parse(line.begin(), line.end(), check);
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    // nlohmann prefixes "[json.exception.parse_error.101] parse error at line 1, column N: "
    // and ends with "; last read: '...'", which may echo invalid UTF-8: keep the middle.
    const auto column = what.find("column");
    if (column != std::string::npos) what = what.substr(column);
    what = what.substr(0, what.find("; last read"));
    throw InputError("not valid JSON (" + what + ")");
  } catch (const Json::out_of_range& e) {
    // A number beyond a double ("1e400"): "[json.exception.out_of_range.406] number overflow
    // parsing '1e400'"; keep what follows the bracket.
    const std::string what = e.what();
    throw InputError("not valid JSON (" + what.substr(what.find("] ") + 2) + ")");
  }
}

const Json* qid_of(const Json& record) {
  if (!record.is_object()) return nullptr;
  auto it = record.find("qid");
  return it != record.end() && (it->is_string() || it->is_number_integer()) ? &*it : nullptr;
}

void parse_doc_fields(std::string_view list, DocumentOptions& documents) {
  if (list == "all") {
    documents.all_fields = true;
    return;
  }
  for (size_t start = 0; start <= list.size();) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string name(list.substr(start, comma - start));
    if (name.empty()) {
      throw ConfigError("--doc-fields \"" + std::string(list) + "\": expected field names separated by commas, or all");
    }
    if (std::find(std::begin(kResultKeys), std::end(kResultKeys), name) != std::end(kResultKeys)) {
      throw ConfigError("--doc-fields " + name + ": every result has its own \"" + name +
                        "\" (id, index, score and label always; text with --return-text), so a document's "
                        "field of that name cannot be copied; rename it in the input");
    }
    documents.fields.push_back(name);
    start = comma + 1;
  }
}

RerankRequest parse_rerank_request(std::string_view line, const InputLimits& limits,
                                   const DocumentOptions& documents) {
  Json j = parse_json_line(line);
  return rerank_request_from(j, limits, documents);
}

PairRequest parse_pair_request(std::string_view line, const InputLimits& limits) {
  Json j = parse_json_line(line);
  return pair_request_from(j, limits);
}

RerankRequest rerank_request_from(Json& j, const InputLimits& limits, const DocumentOptions& documents) {
  if (!j.is_object()) throw InputError("expected a JSON object, not " + std::string(j.type_name()));
  RerankRequest r;
  const char* list_key = find_one_of(j, std::begin(kDocListKeys), std::end(kDocListKeys), "");
  if (!list_key) {
    throw InputError("missing field \"docs\" (or \"documents\", \"candidates\", \"passages\", \"texts\")" +
                     rerank_hint(j));
  }
  r.list_key = list_key;
  r.query = checked_text(require_string(j, "query", ""), limits, [] { return std::string("field \"query\""); });
  r.instruction = instruction_of(j, limits);
  const Json& list = j.at(list_key);
  if (!list.is_array()) {
    throw InputError("field " + quote(list_key) + " must be an array, not " + list.type_name());
  }
  if (limits.max_docs > 0 && list.size() > limits.max_docs) {
    throw InputError("field " + quote(list_key) + " holds " + std::to_string(list.size()) +
                     " documents, over the limit of " + std::to_string(limits.max_docs) + " (--max-docs)");
  }
  r.docs.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    r.docs.push_back(parse_document(list[i], i, list_key, limits, documents));
  }
  j.erase(list_key);
  r.record = std::move(j);
  return r;
}

PairRequest pair_request_from(Json& j, const InputLimits& limits) {
  PairRequest p;
  if (j.is_array()) {
    if (j.size() != 2 || !j[0].is_string() || !j[1].is_string()) {
      throw InputError("an array input must hold exactly two strings");
    }
    p.first = checked_text(j[0].get_ref<const std::string&>(), limits, [] { return std::string("the first string"); });
    p.second = checked_text(j[1].get_ref<const std::string&>(), limits, [] { return std::string("the second string"); });
    return p;
  }
  if (!j.is_object()) {
    throw InputError("expected a JSON object or a two-string array, not " + std::string(j.type_name()));
  }
  static const std::pair<const char*, const char*> kForms[] = {
      {"text_a", "text_b"}, {"query", "text"}, {"query", "document"}, {"sentence1", "sentence2"}};
  const std::pair<const char*, const char*>* form = nullptr;
  for (const auto& f : kForms) {
    if (!j.contains(f.first) || !j.contains(f.second)) continue;
    if (form) {
      throw InputError("ambiguous pair: both " + quote(form->first) + "/" + quote(form->second) +
                       " and " + quote(f.first) + "/" + quote(f.second) + " given");
    }
    form = &f;
  }
  if (!form) {
    const bool rerank_line = std::any_of(std::begin(kDocListKeys), std::end(kDocListKeys),
                                         [&](const char* key) { return j.contains(key); });
    throw InputError(std::string("missing pair fields: expected \"text_a\"/\"text_b\", \"query\"/\"text\", "
                                 "\"query\"/\"document\" or \"sentence1\"/\"sentence2\"") +
                     (rerank_line ? ": this looks like a rerank line (a query with a document list): use crossrank rerank" : ""));
  }
  p.first = checked_text(require_string(j, form->first, ""), limits, [&] { return "field " + quote(form->first); });
  p.second = checked_text(require_string(j, form->second, ""), limits, [&] { return "field " + quote(form->second); });
  p.instruction = instruction_of(j, limits);
  p.record = std::move(j);
  return p;
}

std::string id_text(const Json& id) { return id.is_string() ? id.get<std::string>() : id.dump(); }

size_t shard_of(const Json& qid, size_t count) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : id_text(qid)) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<size_t>(h % count);
}

}  // namespace crossrank
