#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

namespace crossrank {

// Reads input lines as JSONL wants them: numbered from 1, "\n" or "\r\n" ends, a UTF-8
// BOM before the first line dropped, a last line without a newline still returned.
class LineReader {
 public:
  // path "-" reads stdin. Throws IoError when the file cannot be opened.
  explicit LineReader(const std::string& path);
  // Reads the next line into line; false at the end of the input.
  bool next(std::string& line);
  size_t line_number() const { return line_number_; }
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
