#include "crossrank/prompt.hpp"

#include <algorithm>
#include <numeric>

#include "crossrank/error.hpp"
#include "crossrank/pair_encoder.hpp"
#include "crossrank/tokenizer.hpp"
#include "base/json_file.hpp"

namespace crossrank {

namespace {

constexpr std::string_view kPlaceholders[] = {"{instruction}", "{query}", "{document}"};
constexpr std::string_view kDocument = "{document}";

size_t count_of(std::string_view text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

bool has_placeholder(std::string_view text) {
  return std::any_of(std::begin(kPlaceholders), std::end(kPlaceholders),
                     [&](std::string_view p) { return text.find(p) != std::string_view::npos; });
}

// One pass, as Python's str.format: a query holding "{document}" stays as it is.
std::string substitute(std::string_view text, std::string_view instruction, std::string_view query,
                       std::string_view document) {
  const std::string_view values[] = {instruction, query, document};
  std::string out;
  out.reserve(text.size() + query.size() + document.size());
  size_t i = 0;
  while (i < text.size()) {
    bool replaced = false;
    if (text[i] == '{') {
      for (size_t k = 0; k < std::size(kPlaceholders); ++k) {
        if (text.compare(i, kPlaceholders[k].size(), kPlaceholders[k]) == 0) {
          out += values[k];
          i += kPlaceholders[k].size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

const std::string& text_of(const PromptPart& part, std::string_view instruction) {
  return instruction.empty() && part.without_instruction ? *part.without_instruction : part.text;
}

// "{name}" with a name that is not a placeholder is most likely a typo in a recipe.
void check_names(std::string_view text, const std::string& where) {
  for (size_t open = text.find('{'); open != std::string_view::npos; open = text.find('{', open + 1)) {
    const size_t close = text.find('}', open);
    if (close == std::string_view::npos) return;
    const std::string_view name = text.substr(open + 1, close - open - 1);
    const bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || c == '_';
    });
    if (word && !has_placeholder(text.substr(open, close - open + 1))) {
      throw ModelError(where + ": unknown placeholder {" + std::string(name) +
                       "} (the template knows {instruction}, {query} and {document})");
    }
  }
}

size_t positive_integer(const nlohmann::json& v, const std::string& where) {
  const auto n = v.is_number() ? json_integer<size_t>(v) : std::nullopt;
  if (!n || *n == 0) throw ModelError(where + " must be a positive integer, not " + v.dump());
  return *n;
}

PromptPart parse_part(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw ModelError(where + " must be an object with a \"text\"");
  PromptPart part;
  bool has_text = false;
  for (const auto& [key, v] : j.items()) {
    const std::string at = where + "." + key;
    if (key == "text" && v.is_string()) {
      part.text = v.get<std::string>();
      has_text = true;
    } else if (key == "without_instruction" && v.is_string()) {
      part.without_instruction = v.get<std::string>();
    } else if (key == "max_tokens") {
      part.max_tokens = positive_integer(v, at);
    } else if (key == "max_share" && v.is_array() && v.size() == 2) {
      const size_t num = positive_integer(v[0], at), den = positive_integer(v[1], at);
      if (num > den) throw ModelError(at + " must be at most [1, 1], not " + v.dump());
      part.max_share = std::make_pair(num, den);
    } else if (key == "cut" && v.is_boolean()) {
      part.cut = v.get<bool>();
    } else if (key == "counted" && v.is_boolean()) {
      part.counted = v.get<bool>();
    } else {
      throw ModelError(at + ": unknown key or wrong type " + v.dump() +
                       " (a part has \"text\", \"without_instruction\", \"max_tokens\", \"max_share\": "
                       "[n, d], \"cut\" and \"counted\"; docs/models.md#templates)");
    }
  }
  if (!has_text) throw ModelError(where + " has no \"text\" string");
  check_names(part.text, where);
  if (part.without_instruction) {
    check_names(*part.without_instruction, where);
    for (std::string_view p : {"{query}", "{document}"}) {
      if (count_of(part.text, p) != count_of(*part.without_instruction, p)) {
        throw ModelError(where + ": \"without_instruction\" must hold " + std::string(p) + " as \"text\" does");
      }
    }
  }
  return part;
}

void check_template(const PromptTemplate& p, const std::string& source) {
  size_t queries = 0, documents = 0, cuts = 0;
  for (const auto& part : p.parts) {
    queries += count_of(part.text, "{query}");
    documents += count_of(part.text, kDocument);
    cuts += part.cut ? 1 : 0;
  }
  if (queries == 0) throw ModelError(source + ": the template has no {query}");
  if (documents != 1) {
    throw ModelError(source + ": the template must hold {document} once, not " + std::to_string(documents) +
                     " times");
  }
  const auto cut = std::find_if(p.parts.begin(), p.parts.end(), [](const PromptPart& x) { return x.cut; });
  if (cuts != 1 || count_of(cut->text, kDocument) != 1 || !cut->counted) {
    throw ModelError(source + ": exactly one counted part must be \"cut\": true, the one holding {document}");
  }
  if (p.answer.empty() || p.answer.size() > 2) {
    throw ModelError(source + ": \"answer\" must list one token, or two: [negative, positive]");
  }
  if (!p.answer_ids.empty() && p.answer_ids.size() != p.answer.size()) {
    throw ModelError(source + ": \"answer_ids\" must hold one id per \"answer\" token");
  }
}

}  // namespace

PromptTemplate parse_prompt_template(const nlohmann::json& value, const std::string& source) {
  if (!value.is_object()) throw ModelError(source + " must be an object (docs/models.md#templates)");
  PromptTemplate p;
  for (const auto& [key, v] : value.items()) {
    const std::string at = source + "." + key;
    if (key == "name" && v.is_string()) {
      p.name = v.get<std::string>();
    } else if (key == "parts" && v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i) p.parts.push_back(parse_part(v[i], at + "[" + std::to_string(i) + "]"));
    } else if (key == "instruction" && v.is_string()) {
      p.instruction = v.get<std::string>();
    } else if (key == "answer" && v.is_array() &&
               std::all_of(v.begin(), v.end(), [](const auto& t) { return t.is_string(); })) {
      p.answer = v.get<std::vector<std::string>>();
    } else if (key == "answer_ids" && v.is_array() &&
               std::all_of(v.begin(), v.end(), [](const auto& t) { return t.is_number_integer(); })) {
      p.answer_ids = v.get<std::vector<int32_t>>();
    } else if (key == "max_length") {
      p.max_length = positive_integer(v, at);
    } else if (key != "source") {  // "source": where the recipe comes from, for people
      throw ModelError(at + ": unknown key or wrong type " + v.dump() + " (docs/models.md#templates)");
    }
  }
  check_template(p, source);
  return p;
}

nlohmann::ordered_json prompt_template_json(const PromptTemplate& p) {
  nlohmann::ordered_json parts = nlohmann::ordered_json::array();
  for (const auto& part : p.parts) {
    nlohmann::ordered_json j{{"text", part.text}};
    if (part.without_instruction) j["without_instruction"] = *part.without_instruction;
    if (part.max_tokens) j["max_tokens"] = *part.max_tokens;
    if (part.max_share) j["max_share"] = {part.max_share->first, part.max_share->second};
    if (part.cut) j["cut"] = true;
    if (!part.counted) j["counted"] = false;
    parts.push_back(std::move(j));
  }
  nlohmann::ordered_json out{{"name", p.name}, {"parts", std::move(parts)}, {"instruction", p.instruction},
                             {"answer", p.answer}};
  if (!p.answer_ids.empty()) out["answer_ids"] = p.answer_ids;
  if (p.max_length) out["max_length"] = *p.max_length;
  return out;
}

PromptEncoder::PromptEncoder(PromptTemplate prompt, const Tokenizer& tokenizer, size_t max_length)
    : prompt_(std::move(prompt)), tokenizer_(&tokenizer), max_length_(max_length) {
  size_t reserved = 0;  // tokens the document's part can never have
  for (size_t i = 0; i < prompt_.parts.size(); ++i) {
    const PromptPart& p = prompt_.parts[i];
    Part part;
    if (p.max_tokens) part.cap = *p.max_tokens;
    if (p.max_share) part.cap = std::min(part.cap, max_length * p.max_share->first / p.max_share->second);
    part.fixed = !has_placeholder(p.text) && !p.without_instruction;
    if (part.fixed) {
      part.ids = tokenizer.encode(p.text);
      if (part.ids.size() > part.cap) part.ids.resize(part.cap);
    }
    takes_instruction_ |= p.text.find("{instruction}") != std::string::npos;
    if (p.cut) cut_index_ = i;
    else if (p.counted && (part.fixed || part.cap != SIZE_MAX)) reserved += part.fixed ? part.ids.size() : part.cap;
    parts_.push_back(std::move(part));
  }
  if (reserved >= max_length_) {
    throw ConfigError("max length " + std::to_string(max_length_) + " leaves no room for the document in template " +
                      prompt_.name + " (its other parts can take " + std::to_string(reserved) + " tokens)");
  }
  for (const auto& answer : prompt_.answer) {
    const std::vector<int32_t> ids = tokenizer.encode(answer);
    if (ids.size() != 1) {
      throw ModelError("template " + prompt_.name + ": the answer \"" + answer + "\" is " + std::to_string(ids.size()) +
                       " tokens of " + tokenizer.source().string() + ", not one");
    }
    answer_ids_.push_back(ids[0]);
  }
  if (!prompt_.answer_ids.empty() && prompt_.answer_ids != answer_ids_) {
    throw ModelError("template " + prompt_.name + ": the score head was built from answer ids " +
                     nlohmann::json(prompt_.answer_ids).dump() + ", but " + tokenizer.source().string() + " gives " +
                     nlohmann::json(answer_ids_).dump() + ": the tokenizer does not belong to this model");
  }
}

std::vector<std::vector<int32_t>> PromptEncoder::tokenize_parts(std::string_view instruction, std::string_view query,
                                                                std::string_view document, bool* truncated) const {
  std::vector<std::vector<int32_t>> out(parts_.size());
  for (size_t i = 0; i < parts_.size(); ++i) {
    const PromptPart& p = prompt_.parts[i];
    if (parts_[i].fixed) {
      out[i] = parts_[i].ids;
      continue;
    }
    out[i] = tokenizer_->encode(substitute(text_of(p, instruction), instruction, query, document));
    if (out[i].size() > parts_[i].cap) {
      out[i].resize(parts_[i].cap);
      *truncated = true;
    }
  }
  return out;
}

namespace {

size_t counted_size(const std::vector<std::vector<int32_t>>& ids, const std::vector<PromptPart>& parts) {
  size_t n = 0;
  for (size_t i = 0; i < ids.size(); ++i) n += parts[i].counted ? ids[i].size() : 0;
  return n;
}

std::vector<int32_t> concat(const std::vector<std::vector<int32_t>>& ids) {
  std::vector<int32_t> out;
  out.reserve(std::accumulate(ids.begin(), ids.end(), size_t{0},
                              [](size_t n, const std::vector<int32_t>& v) { return n + v.size(); }));
  for (const auto& v : ids) out.insert(out.end(), v.begin(), v.end());
  return out;
}

}  // namespace

PromptEncoder::Encoded PromptEncoder::fit(std::vector<std::vector<int32_t>> ids, bool truncated,
                                          bool* budget_cut) const {
  const size_t total = counted_size(ids, prompt_.parts);
  *budget_cut = total > max_length_;
  if (*budget_cut) {
    std::vector<int32_t>& cut = ids[cut_index_];
    const size_t over = total - max_length_;
    if (over > cut.size()) {
      throw InputError("the query and instruction take " + std::to_string(total - cut.size()) + " of the " +
                       std::to_string(max_length_) + " tokens the template " + prompt_.name +
                       " allows; shorten them or raise --max-length");
    }
    cut.resize(cut.size() - over);
  }
  return {concat(ids), truncated || *budget_cut};
}

PromptEncoder::Encoded PromptEncoder::encode(std::string_view instruction, std::string_view query,
                                             std::string_view document) const {
  bool truncated = false, budget_cut = false;
  auto ids = tokenize_parts(instruction, query, document, &truncated);
  return fit(std::move(ids), truncated, &budget_cut);
}

std::vector<PromptEncoder::Encoded> PromptEncoder::encode_windows(std::string_view instruction,
                                                                  std::string_view query,
                                                                  std::string_view document,
                                                                  size_t overlap) const {
  bool truncated = false, budget_cut = false;
  Encoded whole = fit(tokenize_parts(instruction, query, document, &truncated), truncated, &budget_cut);
  if (!budget_cut) return {std::move(whole)};
  truncated = false;
  auto ids = tokenize_parts(instruction, query, {}, &truncated);
  const std::string_view text = text_of(prompt_.parts[cut_index_], instruction);
  const size_t at = text.find(kDocument);
  const std::vector<int32_t> head = tokenizer_->encode(substitute(text.substr(0, at), instruction, query, {}));
  const std::vector<int32_t> tail =
      tokenizer_->encode(substitute(text.substr(at + kDocument.size()), instruction, query, {}));
  const std::vector<int32_t> doc = tokenizer_->encode(document);
  ids[cut_index_].clear();
  const size_t used = counted_size(ids, prompt_.parts) + head.size() + tail.size();
  if (used + 2 > max_length_) return {std::move(whole)};
  std::vector<Encoded> windows;
  for (const auto& [begin, end] : window_ranges(doc.size(), max_length_ - used, overlap)) {
    std::vector<int32_t>& part = ids[cut_index_];
    part.assign(head.begin(), head.end());
    part.insert(part.end(), doc.begin() + static_cast<std::ptrdiff_t>(begin),
                doc.begin() + static_cast<std::ptrdiff_t>(end));
    part.insert(part.end(), tail.begin(), tail.end());
    windows.push_back({concat(ids), truncated});
  }
  return windows;
}

}  // namespace crossrank
