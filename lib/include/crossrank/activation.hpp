#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace crossrank {

// How logits become scores, as sentence-transformers' CrossEncoder does it: sigmoid for
// one label, identity for several, unless the model's config says otherwise.
enum class Activation { automatic, sigmoid, softmax, identity };

// "auto|sigmoid|softmax|identity"; throws ConfigError otherwise.
Activation parse_activation(std::string_view name);
// A torch class name as sentence-transformers stores it ("torch.nn.modules.linear.Identity");
// nullopt for one crossrank does not implement.
std::optional<Activation> activation_from_torch_class(std::string_view class_name);
std::string to_string(Activation activation);

// Applies a resolved (not automatic) activation to one row of logits in place.
void apply_activation(Activation activation, float* row, size_t labels);

}  // namespace crossrank
