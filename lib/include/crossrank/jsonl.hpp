#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "crossrank/error.hpp"

namespace crossrank {

// A line of spaces and tabs only: JSONL readers skip it.
inline bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t") == std::string::npos;
}

// Where the subcommands read their input lines from: a file or stdin (LineReader), or flat
// rows grouped into queries (FlatGroups).
class LineSource {
 public:
  virtual ~LineSource() = default;
  // The next line; false at the end. May throw BadLine for a line it cannot use.
  virtual bool next(std::string& line) = 0;
  virtual size_t line_number() const = 0;  // of the line next() returned last
};

// A line a LineSource cannot use: the caller reports it (or skips it, with --skip-invalid)
// like any bad input line. The message does not name the line; line() does.
class BadLine : public InputError {
 public:
  BadLine(size_t line, std::string raw, const std::string& message)
      : InputError(message), line_(line), raw_(std::move(raw)) {}
  size_t line() const { return line_; }
  const std::string& raw() const { return raw_; }

 private:
  size_t line_;
  std::string raw_;
};

// Reads input lines as JSONL wants them: numbered from 1, "\n" or "\r\n" ends, a UTF-8
// BOM before the first line dropped, a last line without a newline still returned.
class LineReader final : public LineSource {
 public:
  // path "-" reads stdin. Throws IoError when the file cannot be opened.
  explicit LineReader(const std::string& path);
  // Reads the next line into line; false at the end of the input.
  bool next(std::string& line) override;
  size_t line_number() const override { return line_number_; }
  const std::string& name() const { return name_; }
  // Bytes read so far (any thread may ask, for progress), and the input's size when it is
  // a regular file (0 otherwise: a pipe's end is unknown).
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t size() const { return size_; }

 private:
  std::unique_ptr<std::ifstream> file_;
  std::istream* in_;
  std::string name_;
  size_t line_number_ = 0;
  std::atomic<uint64_t> bytes_read_{0};
  uint64_t size_ = 0;
};

// Writes whole output lines. Lines are buffered and flushed together, so a reader never
// sees part of a line from a failed run. path "-" writes stdout. A file is truncated only
// at the first flush, so a run that fails before writing anything leaves it as it was.
class LineWriter {
 public:
  // Throws IoError when the file cannot be opened for writing. append: add to the file
  // (rerank --resume) instead of replacing it.
  explicit LineWriter(const std::string& path, bool append = false);
  ~LineWriter();
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  void write_line(const std::string& line);  // line without its "\n"
  void flush();                              // throws IoError on a write failure

 private:
  FILE* out_ = nullptr;  // opened by the first flush()
  std::string path_;
  std::string name_;
  std::string buffer_;
  bool append_ = false;
};

}  // namespace crossrank
