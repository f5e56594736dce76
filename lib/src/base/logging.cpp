#include "crossrank/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "crossrank/error.hpp"

namespace crossrank::log {

namespace {

spdlog::logger& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = spdlog::stderr_color_mt("crossrank");
    l->set_pattern("crossrank: %l: %v");
    l->set_level(spdlog::level::info);
    return l;
  }();
  return *instance;
}

}  // namespace

Level parse_level(std::string_view name) {
  if (name == "trace") return Level::trace;
  if (name == "debug") return Level::debug;
  if (name == "info") return Level::info;
  if (name == "warn" || name == "warning") return Level::warn;
  if (name == "error") return Level::error;
  if (name == "off" || name == "quiet") return Level::off;
  throw ConfigError("log level \"" + std::string(name) +
                    "\": expected trace, debug, info, warn, error or off");
}

namespace {

spdlog::level::level_enum to_spdlog(Level level) {
  static const spdlog::level::level_enum map[] = {spdlog::level::trace, spdlog::level::debug,
                                                  spdlog::level::info,  spdlog::level::warn,
                                                  spdlog::level::err,   spdlog::level::off};
  return map[static_cast<int>(level)];
}

}  // namespace

void set_level(Level level) { logger().set_level(to_spdlog(level)); }
bool enabled(Level level) { return level != Level::off && logger().should_log(to_spdlog(level)); }

void debug(const std::string& message) { logger().debug(message); }
void info(const std::string& message) { logger().info(message); }
void warn(const std::string& message) { logger().warn(message); }

void warn_always(const std::string& message) {
  if (!enabled(Level::error)) return;  // --log-level off
  logger().flush();
  std::fprintf(stderr, "crossrank: warning: %s\n", message.c_str());
  std::fflush(stderr);
}

}  // namespace crossrank::log
