#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crossrank/error.hpp"

namespace crossrank {

using Json = nlohmann::ordered_json;  // keeps the user's key order in passthrough output

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
  // The same for readers that parse what they read: a source that builds its records from
  // input it parsed itself (FlatGroups) hands them over as JSON (record set, line empty),
  // not printed to be parsed again; a source of lines leaves record empty.
  virtual bool next_record(std::string& line, std::optional<Json>& record) {
    record.reset();
    return next(line);
  }
  virtual size_t line_number() const = 0;  // of the line (record) next() or next_record() returned last
  // Input bytes consumed through the line next() returned last (progress); 0 if unknown.
  virtual uint64_t position() const { return 0; }
  // Physical input lines read so far, blank ones included.
  virtual size_t lines_read() const { return line_number(); }
};

// Lines held in memory (crossrank bench's passes over one input, tests).
class MemoryLines final : public LineSource {
 public:
  explicit MemoryLines(std::vector<std::string> lines) : lines_(std::move(lines)) {}
  bool next(std::string& line) override {
    if (at_ == lines_.size()) return false;
    line = lines_[at_++];
    return true;
  }
  size_t line_number() const override { return at_; }

 private:
  std::vector<std::string> lines_;
  size_t at_ = 0;
};

// A line a LineSource cannot use: the caller reports it (or skips it, with --skip-invalid)
// like any bad input line. The message does not name the line; line() does.
class BadLine : public InputError {
 public:
  // raw: the line as read, copied to --rejects; none for a line too long to hold.
  BadLine(size_t line, std::optional<std::string> raw, const std::string& message)
      : InputError(message), line_(line), raw_(std::move(raw)) {}
  size_t line() const { return line_; }
  const std::optional<std::string>& raw() const { return raw_; }

 private:
  size_t line_;
  std::optional<std::string> raw_;
};

// in.next(line) for readers that stop at the first bad line: a BadLine becomes the
// InputError "line N: ..." (callers that skip bad lines catch BadLine themselves).
bool next_line(LineSource& in, std::string& line);

// 64 MiB: a query with thousands of long documents fits; parsed, a line takes several
// times its size in memory.
constexpr uint64_t kDefaultMaxLineBytes = 64ull << 20;

// Reads input lines as JSONL wants them: numbered from 1, "\n" or "\r\n" ends, a UTF-8
// BOM before the first line dropped, a last line without a newline still returned. A line
// longer than max_line_bytes is never held whole: it is read past and thrown as a BadLine
// without its text. Input ends early, as at its end, when a stop was requested
// (interrupt.hpp): a read waiting on a pipe looks at that every quarter second. Compressed
// input (gzip, bzip2, xz, zstd) is an InputError that says how to decompress it.
class LineReader final : public LineSource {
 public:
  // path "-" reads stdin. Throws IoError when the file cannot be opened.
  explicit LineReader(const std::string& path, uint64_t max_line_bytes = kDefaultMaxLineBytes);
  ~LineReader() override;
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Reads the next line into line; false at the end of the input. Throws IoError when
  // reading fails, BadLine for an over-long line.
  bool next(std::string& line) override;
  size_t line_number() const override { return line_number_; }
  uint64_t position() const override { return bytes_read_ - (end_ - begin_); }
  const std::string& name() const { return name_; }
  // Bytes read so far (any thread may ask, for progress), and the input's size when it is
  // a regular file (0 otherwise: a pipe's end is unknown).
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t size() const { return size_; }

 private:
  bool fill();  // more bytes into buffer_; false at the end (or a stop)

  int fd_ = -1;
  bool owned_ = false;
  std::string name_;
  uint64_t max_line_bytes_;
  std::vector<char> buffer_;
  size_t begin_ = 0, end_ = 0;  // unread bytes of buffer_
  bool at_end_ = false;
  size_t line_number_ = 0;
  std::atomic<uint64_t> bytes_read_{0};
  uint64_t size_ = 0;
};

// A file a command reads or writes, and the option that named it ("-i", "-o", "--rejects").
// "-" is stdin for an input, stdout for an output.
struct NamedFile {
  std::string option;
  std::string path;
};

// Throws ConfigError when an output is the same file as an input, or as another output
// (same device and inode: hard links, symlinks and other spellings of a path included), so
// that nothing is opened for writing, let alone truncated, before it is called. Outputs that
// do not exist yet, and anything that is not a regular file (a pipe, a terminal), pass.
void check_distinct_files(const std::vector<NamedFile>& inputs, const std::vector<NamedFile>& outputs);

// Writes whole output lines, and only whole lines: every write(2) ends at a line end, so a
// reader of the file or pipe, or a file left by a killed process, never holds part of a
// line (docs/errors.md#output). Writes to a pipe carry at most PIPE_BUF bytes where lines
// allow, which the kernel delivers whole. When a write fails part-way (a full disk), a
// regular file is cut back to its last complete line. path "-" writes stdout. A file is
// truncated only at the first flush, so a run that fails before writing anything leaves it
// as it was.
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
  void open();
  void use(int fd);  // writes go to fd from now on; sets regular_ and chunk_
  // Writes data[0, size); returns the bytes written, fewer on failure (errno set).
  size_t write_all(const char* data, size_t size);

  int fd_ = -1;  // opened by the first flush()
  bool owned_ = false;
  bool regular_ = false;  // a regular file: can be cut back after a failed write
  size_t chunk_ = 0;      // most bytes per write(2), where lines allow
  std::string path_;
  std::string name_;
  std::string buffer_;
  bool append_ = false;
};

}  // namespace crossrank
