#include "crossrank/jsonl.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string_view>

#include "crossrank/error.hpp"
#include "crossrank/interrupt.hpp"

namespace crossrank {

namespace {

constexpr size_t kReadBytes = 1 << 16;
constexpr size_t kFileWriteBytes = 1 << 20;

std::string errno_text() { return std::strerror(errno); }

struct Compression {
  std::string_view magic;
  const char* name;
  const char* cat;  // the command that decompresses it to stdout
};

// The compression of data starting with these bytes; nullptr for anything else. Each magic
// starts with a byte no JSON text starts with, but bzip2's "BZh" could begin a text line (a
// qrels file's qid): its level digit and block (or end) magic must follow too.
const Compression* compression_of(const char* data, size_t size) {
  static const Compression kFormats[] = {{"\x1F\x8B", "gzip", "zcat"},
                                         {"BZh", "bzip2", "bzcat"},
                                         {"\xFD" "7zXZ", "xz", "xzcat"},
                                         {"\x28\xB5\x2F\xFD", "zstd", "zstdcat"}};
  const std::string_view head(data, size);
  for (const auto& f : kFormats) {
    if (head.substr(0, f.magic.size()) != f.magic) continue;
    if (f.magic == "BZh") {
      const std::string_view block = head.substr(4, 6);
      if (size < 10 || head[3] < '1' || head[3] > '9' ||
          (block != "\x31\x41\x59\x26\x53\x59" && block != "\x17\x72\x45\x38\x50\x90")) {
        continue;
      }
    }
    return &f;
  }
  return nullptr;
}

// How two names of one file are recognised: device and inode when it exists, else its
// absolute path with the existing part's symlinks resolved (an output not created yet).
// Nothing for what is not a regular file (a terminal, a pipe, /dev/null): it cannot be
// destroyed by writing. "-": the stream fd.
std::optional<std::string> identity(const std::string& path, int fd) {
  struct stat st {};
  if ((path == "-" ? ::fstat(fd, &st) : ::stat(path.c_str(), &st)) == 0) {
    if (!S_ISREG(st.st_mode)) return std::nullopt;
    return "inode " + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }
  if (path == "-") return std::nullopt;
  std::error_code ec;
  const auto canonical = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  if (ec) return std::nullopt;
  return "path " + canonical.string();
}

std::string describe(const NamedFile& f, const char* stream) {
  return f.path == "-" ? std::string(stream) : f.option + " " + f.path;
}

}  // namespace

void check_distinct_files(const std::vector<NamedFile>& inputs, const std::vector<NamedFile>& outputs) {
  for (size_t o = 0; o < outputs.size(); ++o) {
    const auto out = identity(outputs[o].path, STDOUT_FILENO);
    if (!out) continue;
    for (const auto& in : inputs) {
      if (identity(in.path, STDIN_FILENO) != out) continue;
      throw ConfigError(describe(outputs[o], "the standard output") + " is the same file as " +
                        describe(in, "the standard input") +
                        ": writing it would destroy the input as it is read. Write to another file "
                        "(and rename it afterwards)");
    }
    for (size_t p = 0; p < o; ++p) {
      // Two outputs on stdout are one stream on purpose (eval --per-query -).
      if ((outputs[p].path == "-" && outputs[o].path == "-") || identity(outputs[p].path, STDOUT_FILENO) != out) {
        continue;
      }
      throw ConfigError(describe(outputs[o], "the standard output") + " is the same file as " +
                        describe(outputs[p], "the standard output") +
                        ": both would write it, each over the other; give each its own file");
    }
  }
}

bool next_line(LineSource& in, std::string& line) {
  try {
    return in.next(line);
  } catch (const BadLine& e) {
    rethrow_with_context(e, "line " + std::to_string(e.line()) + ": ");
  }
}

LineReader::LineReader(const std::string& path, uint64_t max_line_bytes)
    : name_(path == "-" ? "<stdin>" : path), max_line_bytes_(max_line_bytes), buffer_(kReadBytes) {
  if (path == "-") {
    fd_ = STDIN_FILENO;
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw IoError("cannot open input " + path + ": " + errno_text());
    owned_ = true;
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) size_ = static_cast<uint64_t>(st.st_size);
}

LineReader::~LineReader() {
  if (owned_) ::close(fd_);
}

bool LineReader::fill() {
  if (at_end_) return false;
  while (true) {
    if (stop_requested()) return false;
    // Wait in short steps, so that a stop request ends a read from an idle pipe.
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, 250);
    if (ready < 0 && errno != EINTR) throw IoError("cannot read " + name_ + ": " + errno_text());
    if (ready <= 0) continue;
    const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw IoError("cannot read " + name_ + ": " + errno_text());
    }
    if (n == 0) {
      at_end_ = true;
      return false;
    }
    if (bytes_read_ == 0) {
      if (const Compression* c = compression_of(buffer_.data(), static_cast<size_t>(n))) {
        const std::string file = fd_ == STDIN_FILENO ? "FILE" : name_;
        throw InputError(name_ + " is " + c->name + "-compressed: decompress it into crossrank, e.g. " +
                         c->cat + " " + file + " | crossrank ... -i -");
      }
    }
    begin_ = 0;
    end_ = static_cast<size_t>(n);
    bytes_read_ += static_cast<uint64_t>(n);
    return true;
  }
}

bool LineReader::next(std::string& line) {
  line.clear();
  uint64_t length = 0;  // of the whole line, including what an over-long one did not keep
  bool any = false;
  while (true) {
    if (begin_ == end_ && !fill()) {
      if (!any || stop_requested()) return false;  // a partial line at a stop is not used
      break;
    }
    any = true;
    const char* start = buffer_.data() + begin_;
    const char* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    const size_t take = newline ? static_cast<size_t>(newline - start) : end_ - begin_;
    if (length + take <= max_line_bytes_) line.append(start, take);
    length += take;
    begin_ += take;
    if (newline) {
      ++begin_;
      break;
    }
  }
  ++line_number_;
  if (length > max_line_bytes_) {
    line.clear();
    line.shrink_to_fit();
    throw BadLine(line_number_, std::nullopt,
                  "the line is " + std::to_string(length) + " bytes long, over the limit of " +
                      std::to_string(max_line_bytes_) + " (--max-line-bytes); it was not read");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line_number_ == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  return true;
}

LineWriter::LineWriter(const std::string& path, bool append)
    : path_(path), name_(path == "-" ? "<stdout>" : path), append_(append) {
  if (path == "-") {
    use(STDOUT_FILENO);
    return;
  }
  // Fail now if the file cannot be written, without truncating it yet.
  const int probe = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (probe < 0) throw IoError("cannot open output " + path + ": " + errno_text());
  ::close(probe);
}

LineWriter::~LineWriter() {
  try {
    // Unwinding from an error before any output must not truncate the file.
    if (fd_ >= 0 || !buffer_.empty()) flush();
  } catch (const Error&) {
    // Destructors must not throw; callers that care call flush() themselves.
  }
  if (owned_) ::close(fd_);
}

void LineWriter::write_line(const std::string& line) {
  buffer_.append(line);
  buffer_.push_back('\n');
  if (buffer_.size() >= kFileWriteBytes) flush();
}

void LineWriter::open() {
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append_ ? O_APPEND : O_TRUNC), 0666);
  if (fd < 0) throw IoError("cannot open output " + path_ + ": " + errno_text());
  owned_ = true;
  use(fd);
}

void LineWriter::use(int fd) {
  fd_ = fd;
  struct stat st {};
  regular_ = ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
  chunk_ = regular_ ? kFileWriteBytes : PIPE_BUF;
}

size_t LineWriter::write_all(const char* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd_, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    done += static_cast<size_t>(n);
  }
  return done;
}

void LineWriter::flush() {
  if (fd_ < 0) open();
  size_t done = 0;
  while (done < buffer_.size()) {
    // Whole lines up to chunk_ bytes, or one longer line alone.
    size_t end = buffer_.rfind('\n', std::min(buffer_.size(), done + chunk_) - 1);
    if (end == std::string::npos || end < done) end = buffer_.find('\n', done);
    const size_t size = end + 1 - done;
    const off_t before = regular_ ? ::lseek(fd_, 0, SEEK_CUR) : -1;
    const size_t written = write_all(buffer_.data() + done, size);
    if (written < size) {
      const int error = errno;
      if (before >= 0) {
        // Cut the part-written line off: the file ends with the last whole line written.
        const size_t whole = buffer_.rfind('\n', done + written - 1);
        const size_t keep = written == 0 || whole == std::string::npos || whole < done ? 0 : whole + 1 - done;
        const off_t end_of_lines = before + static_cast<off_t>(keep);
        if (::ftruncate(fd_, end_of_lines) == 0) ::lseek(fd_, end_of_lines, SEEK_SET);
      }
      buffer_.clear();
      throw IoError("cannot write " + name_ + ": " + std::strerror(error));
    }
    done += size;
  }
  buffer_.clear();
}

}  // namespace crossrank
