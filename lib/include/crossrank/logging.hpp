#pragma once

#include <string>
#include <string_view>

// The library's logging facade: spdlog stays behind it, and everything goes to stderr
// so stdout carries only data.
namespace crossrank::log {

enum class Level { trace, debug, info, warn, error, off };

// Parses "trace|debug|info|warn|error|off"; throws ConfigError otherwise.
Level parse_level(std::string_view name);
void set_level(Level level);
bool enabled(Level level);  // whether messages of this level are shown

void debug(const std::string& message);
void info(const std::string& message);
void warn(const std::string& message);
// A warning shown at every level but off, -q included: what a user must not miss (bad lines
// skipped under --skip-invalid).
void warn_always(const std::string& message);

}  // namespace crossrank::log
