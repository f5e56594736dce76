#include "crossrank/activation.hpp"

#include <algorithm>
#include <cmath>

#include "crossrank/error.hpp"

namespace crossrank {

Activation parse_activation(std::string_view name) {
  if (name == "auto") return Activation::automatic;
  if (name == "sigmoid") return Activation::sigmoid;
  if (name == "softmax") return Activation::softmax;
  if (name == "identity" || name == "none") return Activation::identity;
  throw ConfigError("activation \"" + std::string(name) +
                    "\": expected auto, sigmoid, softmax or identity");
}

std::optional<Activation> activation_from_torch_class(std::string_view class_name) {
  const std::string_view last = class_name.substr(class_name.rfind('.') + 1);
  if (last == "Sigmoid") return Activation::sigmoid;
  if (last == "Identity") return Activation::identity;
  if (last == "Softmax") return Activation::softmax;
  return std::nullopt;
}

std::string to_string(Activation activation) {
  switch (activation) {
    case Activation::automatic: return "auto";
    case Activation::sigmoid: return "sigmoid";
    case Activation::softmax: return "softmax";
    case Activation::identity: return "identity";
  }
  return "?";
}

void apply_activation(Activation activation, float* row, size_t labels) {
  switch (activation) {
    case Activation::sigmoid:
      for (size_t i = 0; i < labels; ++i) row[i] = 1.0f / (1.0f + std::exp(-row[i]));
      break;
    case Activation::softmax: {
      const float max = *std::max_element(row, row + labels);
      float sum = 0.0f;
      for (size_t i = 0; i < labels; ++i) sum += (row[i] = std::exp(row[i] - max));
      for (size_t i = 0; i < labels; ++i) row[i] /= sum;
      break;
    }
    case Activation::identity:
    case Activation::automatic:
      break;
  }
}

}  // namespace crossrank
