#include "crossrank/error.hpp"

namespace crossrank {

void rethrow_with_context(const Error& e, const std::string& prefix) {
  const std::string message = prefix + e.what();
  if (dynamic_cast<const InputError*>(&e)) throw InputError(message);
  if (dynamic_cast<const ModelError*>(&e)) throw ModelError(message);
  if (dynamic_cast<const ConfigError*>(&e)) throw ConfigError(message);
  if (dynamic_cast<const IoError*>(&e)) throw IoError(message);
  throw Error(message);
}

}  // namespace crossrank
