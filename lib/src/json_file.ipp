#pragma once

#include "crossrank/error.hpp"

namespace crossrank {

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
