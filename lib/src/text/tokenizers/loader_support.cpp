#include "loader_support.hpp"

#include "base/json_file.hpp"

namespace crossrank {

namespace fs = std::filesystem;
using nlohmann::json;

TemplateStyle Family::style() const { return model_family(model_type).pair_template; }

Family read_family(const fs::path& dir) {
  for (const char* name : {"crossrank.json", "config.json"}) {
    const fs::path file = dir / name;
    if (!fs::exists(file)) continue;
    const json j = read_json_file(file);
    const std::string type = json_value<std::string>(j, "model_type", "", file);
    if (!type.empty()) return Family{type, read_tokenizer_config(dir)};
  }
  return Family{{}, read_tokenizer_config(dir)};
}

PairTemplate bert_template(int32_t cls, int32_t sep) {
  using K = TemplatePiece::Kind;
  return PairTemplate{{{K::special, {cls}, 0},
                       {K::first, {}, 0},
                       {K::special, {sep}, 0},
                       {K::second, {}, 1},
                       {K::special, {sep}, 1}}};
}

PairTemplate roberta_template(int32_t cls, int32_t sep) {
  using K = TemplatePiece::Kind;
  return PairTemplate{{{K::special, {cls}, 0},
                       {K::first, {}, 0},
                       {K::special, {sep, sep}, 0},
                       {K::second, {}, 0},
                       {K::special, {sep}, 0}}};
}

PairTemplate make_template(TemplateStyle style, int32_t cls, int32_t sep) {
  return style == TemplateStyle::roberta ? roberta_template(cls, sep) : bert_template(cls, sep);
}

PairTemplate plain_template() {
  using K = TemplatePiece::Kind;
  return PairTemplate{{{K::first, {}, 0}, {K::second, {}, 1}}};
}

std::vector<AddedToken> parse_added_tokens(const json& list) {
  std::vector<AddedToken> out;
  for (const auto& t : list) {
    AddedToken a;
    a.content = t.at("content").get<std::string>();
    if (t.contains("id")) {
      // Not value(): get<int>() wraps a large id and is undefined for a double out of range.
      const auto id = json_integer<int32_t>(t["id"]);
      if (!id) throw std::out_of_range("added token id " + t["id"].dump() + " is not a 32-bit integer");
      a.id = *id;
    }
    a.special = t.value("special", true);
    a.normalized = t.value("normalized", !a.special);
    a.lstrip = t.value("lstrip", false);
    a.rstrip = t.value("rstrip", false);
    a.single_word = t.value("single_word", false);
    out.push_back(std::move(a));
  }
  return out;
}

namespace {

// A special token entry: a plain string, or an AddedToken object with its flags.
std::optional<AddedToken> special_entry(const json& config, const char* key, const char* fallback,
                                        const fs::path& file) {
  AddedToken t;
  auto it = config.find(key);
  if (it == config.end()) {
    t.content = fallback;
  } else if (it->is_null()) {
    return std::nullopt;
  } else if (it->is_string()) {
    t.content = it->get<std::string>();
  } else if (it->is_object() && it->contains("content")) {
    t.content = (*it)["content"].get<std::string>();
    t.lstrip = it->value("lstrip", false);
    t.rstrip = it->value("rstrip", false);
    t.single_word = it->value("single_word", false);
    t.normalized = it->value("normalized", false);
  } else {
    throw ModelError(file.string() + ": \"" + key + "\" has the wrong type");
  }
  return t;
}

}  // namespace

NativeSpecials native_specials(const json& config, const fs::path& config_file, TemplateStyle style,
                               const Model& model) {
  const bool roberta = style == TemplateStyle::roberta;
  struct Name {
    const char* key;
    const char* fallback;
  };
  const Name names[] = {{"cls_token", roberta ? "<s>" : "[CLS]"},
                        {"sep_token", roberta ? "</s>" : "[SEP]"},
                        {"pad_token", roberta ? "<pad>" : "[PAD]"},
                        {"unk_token", roberta ? "<unk>" : "[UNK]"},
                        {"bos_token", roberta ? "<s>" : "[CLS]"},
                        {"eos_token", roberta ? "</s>" : "[SEP]"},
                        {"mask_token", roberta ? "<mask>" : "[MASK]"}};
  NativeSpecials out;
  auto add = [&](AddedToken t) {
    for (auto& existing : out.added) {
      if (existing.content == t.content) {
        existing = std::move(t);  // a later, more specific declaration wins
        return;
      }
    }
    out.added.push_back(std::move(t));
  };
  for (const auto& [key, fallback] : names) {
    auto t = special_entry(config, key, fallback, config_file);
    if (!t) continue;
    const bool mask = std::string(key) == "mask_token";
    // Slow RoBERTa/XLM-R tokenizers wrap a plain-string <mask> so that it swallows the
    // space before it; an AddedToken object carries its own flags.
    const bool declared_as_object = config.contains(key) && config[key].is_object();
    if (mask && roberta && !declared_as_object) t->lstrip = true;
    if (auto id = model.token_to_id(t->content)) {
      t->id = *id;
    } else if (mask) {
      t->id = static_cast<int32_t>(model.vocab_size());
    } else {
      continue;
    }
    if (std::string(key) == "cls_token") out.cls = t->id;
    if (std::string(key) == "sep_token") out.sep = t->id;
    add(*t);
  }
  if (config.contains("added_tokens_decoder") && config["added_tokens_decoder"].is_object()) {
    for (const auto& [id, entry] : config["added_tokens_decoder"].items()) {
      json e = entry;
      e["id"] = std::stoi(id);  // a bad key throws; the loader reports it
      for (auto& t : parse_added_tokens(json::array({e}))) add(std::move(t));
    }
  }
  if (out.cls < 0 || out.sep < 0) {
    throw ModelError(config_file.parent_path().string() +
                     ": the classifier/separator tokens are not in the vocabulary");
  }
  return out;
}

}  // namespace crossrank
