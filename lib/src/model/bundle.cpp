#include "crossrank/bundle.hpp"

#include <algorithm>
#include <map>

#include "crossrank/error.hpp"
#include "crossrank/logging.hpp"
#include "base/json_file.hpp"
#include "model_families.hpp"

namespace crossrank {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void read_labels(const json& config, const fs::path& file, BundleConfig& b) {
  std::map<size_t, std::string> by_id;
  if (config.contains("id2label") && config["id2label"].is_object()) {
    for (const auto& [id, name] : config["id2label"].items()) {
      try {
        by_id[std::stoul(id)] = name.is_string() ? name.get<std::string>() : name.dump();
      } catch (const std::exception&) {
        throw ModelError(file.string() + ": id2label key \"" + id + "\" is not a number");
      }
    }
  }
  const auto declared = json_value<int64_t>(config, "num_labels",
                                            by_id.empty() ? 1 : static_cast<int64_t>(by_id.size()), file);
  if (declared < 1 || declared > 100000) {
    throw ModelError(file.string() + ": num_labels " + std::to_string(declared) + " is not plausible");
  }
  b.num_labels = static_cast<size_t>(declared);
  for (size_t i = 0; i < b.num_labels; ++i) {
    auto it = by_id.find(i);
    b.labels.push_back(it != by_id.end() ? it->second : "LABEL_" + std::to_string(i));
  }
}

// sentence-transformers >= 4 stores {"sentence_transformers": {"activation_fn": ...}};
// older versions "sbert_ce_default_activation_function" at the top level.
std::optional<std::string> stored_activation(const json& config) {
  if (config.contains("sentence_transformers") && config["sentence_transformers"].is_object()) {
    const auto& st = config["sentence_transformers"];
    if (st.contains("activation_fn") && st["activation_fn"].is_string()) {
      return st["activation_fn"].get<std::string>();
    }
  }
  if (config.contains("sbert_ce_default_activation_function") &&
      config["sbert_ce_default_activation_function"].is_string()) {
    return config["sbert_ce_default_activation_function"].get<std::string>();
  }
  return std::nullopt;
}

// crossrank.json: every problem in it is the user's configuration, so a ConfigError.
struct Overrides {
  std::optional<Activation> activation;
  std::optional<size_t> max_length;
  std::optional<std::vector<std::string>> inputs;
  std::optional<std::string> model_type;
  nlohmann::json exported_by;  // null when absent
  std::optional<PromptTemplate> prompt;
};

Overrides read_overrides(const fs::path& file) {
  Overrides o;
  if (!fs::exists(file)) return o;
  json j;
  try {
    j = read_json_file(file);
  } catch (const ModelError& e) {
    throw ConfigError(e.what());
  }
  if (!j.is_object()) throw ConfigError(file.string() + ": expected a JSON object");
  for (const auto& [key, value] : j.items()) {
    try {
      if (key == "activation") {
        const Activation a = parse_activation(value.get<std::string>());
        if (a != Activation::automatic) o.activation = a;
      } else if (key == "max_length") {
        // Not get<size_t>(): it wraps a negative number and is undefined for a huge double.
        const auto n = value.is_number() ? json_integer<size_t>(value) : std::nullopt;
        if (!n) throw ConfigError("\"max_length\" must be a non-negative integer, not " + value.dump());
        o.max_length = *n;
      } else if (key == "inputs") {
        o.inputs = value.get<std::vector<std::string>>();
      } else if (key == "model_type") {
        o.model_type = value.get<std::string>();
      } else if (key == "template") {
        o.prompt = parse_prompt_template(value, file.string() + ": \"template\"");
      } else if (key == "exported_by") {
        if (!value.is_object()) throw ConfigError("\"exported_by\" must be an object");
        o.exported_by = value;
      } else {
        log::warn(file.string() + ": ignoring unknown key \"" + key + "\"");
      }
    } catch (const json::exception&) {
      throw ConfigError(file.string() + ": \"" + key + "\" has the wrong type (" +
                        value.type_name() + ")");
    } catch (const ConfigError& e) {
      throw ConfigError(file.string() + ": " + e.what());
    }
  }
  return o;
}

}  // namespace

size_t check_max_length(size_t value, size_t position_limit, const std::string& source) {
  if (value > position_limit) {
    throw ConfigError(source + " " + std::to_string(value) + " exceeds the model's " +
                      std::to_string(position_limit) + " positions");
  }
  return value;
}

BundleConfig load_bundle_config(const fs::path& dir) {
  if (!fs::is_directory(dir)) {
    throw ModelError("model bundle " + dir.string() + " is not a directory (see docs/models.md)");
  }
  BundleConfig b;
  b.dir = dir;
  b.model_file = dir / "model.pt";
  const fs::path config_file = dir / "config.json";
  if (!fs::exists(config_file)) throw ModelError("model bundle has no config.json: " + dir.string());
  const json config = read_json_file(config_file);
  if (!config.is_object()) throw ModelError(config_file.string() + ": expected a JSON object");
  const fs::path overrides_file = dir / "crossrank.json";
  const Overrides overrides = read_overrides(overrides_file);

  b.model_type = overrides.model_type.value_or(
      json_value<std::string>(config, "model_type", "", config_file));
  if (config.contains("architectures") && config["architectures"].is_array() &&
      !config["architectures"].empty() && config["architectures"][0].is_string()) {
    b.architecture = config["architectures"][0].get<std::string>();
  }
  read_labels(config, config_file, b);
  b.pad_token_id = json_value<int64_t>(config, "pad_token_id", 0, config_file);
  b.vocab_size = json_value<size_t>(config, "vocab_size", 0, config_file);
  b.hidden_size = json_value<size_t>(config, "hidden_size", 0, config_file);
  b.num_layers = json_value<size_t>(config, "num_hidden_layers", 0, config_file);
  b.intermediate_size = json_value<size_t>(config, "intermediate_size", 4 * b.hidden_size, config_file);
  b.input_names = overrides.inputs.value_or(std::vector<std::string>{});
  if (overrides.exported_by.is_object()) {
    b.exported_by = overrides.exported_by;
    const auto torch = overrides.exported_by.find("torch");
    if (torch != overrides.exported_by.end() && torch->is_string()) b.exported_torch = torch->get<std::string>();
  }

  size_t limit = json_value<size_t>(config, "max_position_embeddings", 512, config_file);
  if (model_family(b.model_type).positions_after_padding && limit > 2) limit -= 2;
  b.position_limit = limit;
  b.prompt = overrides.prompt;
  // An LLM reranker's card sets its own length; encoders default to 512 as HF's do.
  size_t max_length = std::min<size_t>(b.prompt && b.prompt->max_length ? *b.prompt->max_length : 512, limit);
  b.tokenizer_config = read_tokenizer_config(dir);
  // transformers writes a huge sentinel when the tokenizer sets no limit.
  const double tok_limit =
      json_value<double>(b.tokenizer_config, "model_max_length", 1e30, dir / "tokenizer_config.json");
  if (tok_limit >= 1 && tok_limit < 1e6) {
    b.tokenizer_max_length = std::min(limit, static_cast<size_t>(tok_limit));
    max_length = std::min(max_length, b.tokenizer_max_length);
  }
  b.max_length_set = overrides.max_length.has_value();
  b.max_length = overrides.max_length
                     ? check_max_length(*overrides.max_length, b.position_limit,
                                        overrides_file.string() + ": max_length")
                     : max_length;

  const auto stored = stored_activation(config);
  if (overrides.activation) {
    b.activation = *overrides.activation;
    b.activation_source = "crossrank.json";
  } else if (stored) {
    // Unsupported: left automatic, so only a run that does not override it fails.
    b.activation = activation_from_torch_class(*stored).value_or(Activation::automatic);
    b.activation_source = "config.json (sentence-transformers: " + *stored + ")";
  } else {
    b.activation = b.num_labels == 1 ? Activation::sigmoid : Activation::identity;
    b.activation_source = "default for " + std::to_string(b.num_labels) + " label(s)";
  }
  return b;
}

}  // namespace crossrank
