#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crossrank/error.hpp"

namespace crossrank {

// How decimal numbers become doubles.
enum class JsonFloats {
  exact,  // correctly rounded
  // As Rust's serde_json reads them by default (HF tokenizers reads tokenizer.json that
  // way): the digits as an integer, converted to double, then divided by a power of ten.
  // That can be 1 ulp off, and Unigram ties between equal-score paths depend on it.
  serde,
};

// Reads a JSON file of a model bundle; any failure is a ModelError naming the file.
nlohmann::json read_json_file(const std::filesystem::path& path, JsonFloats floats = JsonFloats::exact);

// serde_json's (no float_roundtrip) value of a JSON number's text.
double serde_json_f64(const std::string& number);

// Reads one line per entry (vocab.txt), dropping the line end ("\n" or "\r\n").
std::vector<std::string> read_lines(const std::filesystem::path& path);

// The value of key in object j when it has the expected type, else fallback; a present
// key of another type is a ModelError naming the file and key.
template <typename T>
T json_value(const nlohmann::json& j, const char* key, T fallback,
             const std::filesystem::path& file) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ModelError(file.string() + ": \"" + key + "\" has the wrong type (" +
                     std::string(it->type_name()) + ")");
  }
}

}  // namespace crossrank
