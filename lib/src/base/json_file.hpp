#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
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

// A bundle's tokenizer_config.json, read once by load_bundle_config (model_max_length) and
// handed to the native tokenizer loaders; an empty object when the bundle has none.
nlohmann::json read_tokenizer_config(const std::filesystem::path& bundle_dir);

// serde_json's (no float_roundtrip) value of a JSON number's text.
double serde_json_f64(const std::string& number);

// Reads one line per entry (vocab.txt), dropping the line end ("\n" or "\r\n").
std::vector<std::string> read_lines(const std::filesystem::path& path);

// The integer a JSON number holds when T holds it exactly (an integral double too), else
// nullopt: get<T>() wraps a negative or large integer silently, and converting a double
// outside T's range is undefined behaviour (found by fuzzing, tests/fuzz).
template <typename T, typename Json>
std::optional<T> json_integer(const Json& j) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  using Limits = std::numeric_limits<T>;
  if (j.is_number_unsigned()) {
    const auto v = j.template get<uint64_t>();
    if (v > static_cast<uint64_t>(Limits::max())) return std::nullopt;
    return static_cast<T>(v);
  }
  if (j.is_number_integer()) {
    const auto v = j.template get<int64_t>();
    if constexpr (Limits::is_signed) {
      if (v < int64_t{Limits::min()} || v > int64_t{Limits::max()}) return std::nullopt;
    } else {
      if (v < 0 || static_cast<uint64_t>(v) > static_cast<uint64_t>(Limits::max())) return std::nullopt;
    }
    return static_cast<T>(v);
  }
  if (j.is_number_float()) {
    const double d = j.template get<double>();
    // max() + 1.0 is a power of two, so exact: the comparison keeps d below it.
    if (!(d == std::floor(d) && d >= static_cast<double>(Limits::min()) &&
          d < static_cast<double>(Limits::max()) + 1.0)) {
      return std::nullopt;
    }
    return static_cast<T>(d);
  }
  return std::nullopt;
}

// json_integer, or a ModelError naming the file and what the number is.
template <typename T, typename Json>
T json_int(const Json& j, const std::filesystem::path& file, const std::string& what) {
  if (auto v = json_integer<T>(j)) return *v;
  throw ModelError(file.string() + ": " + what + " must be an integer from " +
                   std::to_string(std::numeric_limits<T>::min()) + " to " +
                   std::to_string(std::numeric_limits<T>::max()) + ", not " + j.dump());
}

// The value of key in object j when it has the expected type, else fallback; a present
// key of another type (or an integer T cannot hold) is a ModelError naming the file and key.
template <typename T>
T json_value(const nlohmann::json& j, const char* key, T fallback,
             const std::filesystem::path& file) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (it->is_number()) return json_int<T>(*it, file, "\"" + std::string(key) + "\"");
  }
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ModelError(file.string() + ": \"" + key + "\" has the wrong type (" +
                     std::string(it->type_name()) + ")");
  }
}

}  // namespace crossrank
