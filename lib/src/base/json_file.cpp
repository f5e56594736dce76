#include "json_file.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "crossrank/error.hpp"

namespace crossrank {

namespace {

// The DOM builder, with every decimal number re-read from its text.
class SerdeFloatsParser : public nlohmann::detail::json_sax_dom_parser<nlohmann::json> {
 public:
  using json_sax_dom_parser::json_sax_dom_parser;
  bool number_float(double, const std::string& text) {
    return json_sax_dom_parser::number_float(serde_json_f64(text), text);
  }
};

}  // namespace

nlohmann::json read_tokenizer_config(const std::filesystem::path& bundle_dir) {
  const std::filesystem::path file = bundle_dir / "tokenizer_config.json";
  return std::filesystem::exists(file) ? read_json_file(file) : nlohmann::json::object();
}

double serde_json_f64(const std::string& number) {
  size_t i = 0;
  const bool negative = i < number.size() && number[i] == '-';
  if (negative) ++i;
  uint64_t significand = 0;
  int64_t exponent = 0;
  bool overflowed = false;  // further digits are ignored, as serde_json does
  bool after_point = false;
  for (; i < number.size(); ++i) {
    const char c = number[i];
    if (c == '.') {
      after_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (!overflowed && significand > (UINT64_MAX - digit) / 10) overflowed = true;
    if (overflowed) {
      if (!after_point) ++exponent;  // integer digits still scale the value
      continue;
    }
    significand = significand * 10 + digit;
    if (after_point) --exponent;
  }
  if (i < number.size() && (number[i] == 'e' || number[i] == 'E')) {
    exponent += std::strtoll(number.c_str() + i + 1, nullptr, 10);
  }
  double f = static_cast<double>(significand);
  static const auto pow10 = [] {
    std::array<double, 309> p{};
    for (int k = 0; k < 309; ++k) p[k] = std::strtod(("1e" + std::to_string(k)).c_str(), nullptr);
    return p;
  }();
  while (true) {
    const uint64_t magnitude = exponent < 0 ? static_cast<uint64_t>(-exponent) : static_cast<uint64_t>(exponent);
    if (magnitude < pow10.size()) {
      f = exponent >= 0 ? f * pow10[magnitude] : f / pow10[magnitude];
      break;
    }
    if (f == 0.0 || exponent >= 0) break;  // serde rejects the huge case; nothing real has it
    f /= 1e308;
    exponent += 308;
  }
  return negative ? -f : f;
}

nlohmann::json read_json_file(const std::filesystem::path& path, JsonFloats floats) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ModelError("cannot open " + path.string());
  try {
    if (floats == JsonFloats::exact) return nlohmann::json::parse(in);
    nlohmann::json j;
    SerdeFloatsParser sax(j);
    nlohmann::json::sax_parse(in, &sax);
    return j;
  } catch (const nlohmann::json::exception& e) {
    throw ModelError(path.string() + ": not valid JSON: " + e.what());
  }
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ModelError("cannot open " + path.string());
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace crossrank
