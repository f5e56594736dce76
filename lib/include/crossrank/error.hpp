#pragma once

#include <stdexcept>
#include <string>

namespace crossrank {

// Every library failure is one of these; main() maps each class to an exit code
// (docs/errors.md), so the class says whose fault it is, the message says where.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  virtual int exit_code() const { return 1; }
};

// A bad option, flag value, or configuration file (crossrank.json, config.json).
class ConfigError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 2; }
};

// A bad input line: invalid JSON, missing or mistyped fields, invalid UTF-8.
class InputError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 3; }
};

// A model bundle that cannot be loaded or run (files, TorchScript, outputs).
class ModelError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 4; }
};

// The device ran out of memory for one batch. Reranker splits the batch and goes on; it
// reaches the user only when a single pair does not fit.
class DeviceMemoryError : public ModelError {
 public:
  using ModelError::ModelError;
};

// A file that cannot be opened, read or written.
class IoError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 5; }
};

// Throws an error of e's class whose message is prefix + e's message.
[[noreturn]] void rethrow_with_context(const Error& e, const std::string& prefix);

}  // namespace crossrank
