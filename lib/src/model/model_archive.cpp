#include "crossrank/model_archive.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <new>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "crossrank/error.hpp"

// The zip format as PKWARE's APPNOTE.TXT describes it: local file header + data per entry, then
// the central directory (one header per entry: name, method, CRC-32, sizes, local header
// offset), then (zip64) the zip64 end record and its locator, then the end record. PyTorch's
// writer (miniz) stores every entry uncompressed, its data 64-byte aligned by padding in the
// local header's extra field; libtorch's reader does not check CRCs.

namespace crossrank {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kLocalSig = 0x04034b50;         // PK\3\4
constexpr uint32_t kCentralSig = 0x02014b50;       // PK\1\2
constexpr uint32_t kEndSig = 0x06054b50;           // PK\5\6
constexpr uint32_t kZip64EndSig = 0x06064b50;      // PK\6\6
constexpr uint32_t kZip64LocatorSig = 0x07064b50;  // PK\6\7
constexpr size_t kLocalSize = 30;
constexpr size_t kCentralSize = 46;
constexpr size_t kEndSize = 22;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kZip64EndSize = 56;
constexpr size_t kMaxComment = 0xFFFF;
constexpr uint32_t kMax32 = 0xFFFFFFFF;

// Stored entries are checked in pieces of this size, spread over the threads; each piece is
// read in chunks that stay in the CPU's cache while crc32 runs over them.
constexpr uint64_t kPieceBytes = uint64_t{32} << 20;
constexpr size_t kChunkBytes = size_t{1} << 20;

uint16_t le16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t le32(const unsigned char* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
uint64_t le64(const unsigned char* p) { return uint64_t{le32(p)} | uint64_t{le32(p + 4)} << 32; }

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

class Archive {
 public:
  explicit Archive(const fs::path& path) : name_(path.string()) {
    fd_ = ::open(name_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw IoError("cannot open " + name_ + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
      const int e = errno;
      ::close(fd_);
      throw IoError("cannot read " + name_ + ": " + std::strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
      ::close(fd_);
      throw ModelError(name_ + " is not a regular file, so not a TorchScript zip archive");
    }
    size_ = static_cast<uint64_t>(st.st_size);
  }
  ~Archive() { ::close(fd_); }
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  const std::string& name() const { return name_; }
  uint64_t size() const { return size_; }

  // n bytes at off; a file that has become shorter since it was opened is truncated.
  void read(uint64_t off, void* buf, size_t n) const {
    auto* out = static_cast<unsigned char*>(buf);
    while (n > 0) {
      const ssize_t got = ::pread(fd_, out, n, static_cast<off_t>(off));
      if (got < 0) {
        if (errno == EINTR) continue;
        throw IoError("cannot read " + name_ + ": " + std::strerror(errno));
      }
      if (got == 0) truncated("it ended while being read");
      out += got;
      off += static_cast<uint64_t>(got);
      n -= static_cast<size_t>(got);
    }
  }
  std::vector<unsigned char> read(uint64_t off, size_t n) const {
    std::vector<unsigned char> buf(n);
    read(off, buf.data(), n);
    return buf;
  }

  [[noreturn]] void truncated(const std::string& what) const {
    throw ModelError(name_ + " is truncated (" + std::to_string(size_) + " bytes; " + what +
                     "): a copy, download or export stopped early; copy or export it again");
  }
  [[noreturn]] void corrupted(const std::string& what) const {
    throw ModelError(name_ + " is corrupted (" + what + "): copy or export it again");
  }
  [[noreturn]] void not_torchscript(const std::string& what) const {
    throw ModelError(name_ + " is not a TorchScript zip archive" +
                     (what.empty() ? "" : " (" + what + ")") +
                     ": make model.pt with torch.jit.trace, e.g. with scripts/export_hf.py "
                     "(docs/models.md)");
  }

 private:
  std::string name_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

struct Entry {
  std::string raw_name;
  std::string name;  // for messages: bytes outside printable ASCII as '?'
  uint16_t flags = 0;
  uint16_t method = 0;
  uint32_t crc = 0;
  uint64_t compressed = 0;
  uint64_t uncompressed = 0;
  uint64_t local_offset = 0;
  uint64_t data_offset = 0;  // from the local header
};

struct Directory {
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t entries = 0;
};

bool starts_with(const std::vector<unsigned char>& head, const std::string& prefix) {
  return head.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), head.begin());
}

// What a file that is not a zip looks like, for the message ("" when nothing is recognised).
std::string describe(const std::vector<unsigned char>& head, uint64_t size) {
  if (head.size() >= 2 && head[0] == 0x80 && head[1] >= 2 && head[1] <= 5) {
    return "it is a Python pickle (a legacy-format torch.save() file), not a traced model";
  }
  if (head.size() >= 2 && head[0] == 0x1f && head[1] == 0x8b) return "it is gzip-compressed";
  if (head.size() >= 9 && le64(head.data()) <= size - 8 && head[8] == '{') {
    return "it looks like a safetensors weights file, not a traced model";
  }
  const auto text = std::find_if(head.begin(), head.end(), [](unsigned char c) {
    return c != ' ' && c != '\t' && c != '\r' && c != '\n';
  });
  if (text != head.end() && *text == '<')
    return "it looks like an HTML or XML page, as a failed download gives";
  return "";
}

// The central directory that the end record at `pos` describes, or false when the record is
// not a consistent one (a stray signature inside data).
bool read_end_record(const Archive& a, const unsigned char* end, uint64_t pos, Directory& dir) {
  uint64_t limit = pos;  // the directory lies before the end records
  if (pos >= kZip64LocatorSize) {
    const auto loc = a.read(pos - kZip64LocatorSize, kZip64LocatorSize);
    if (le32(loc.data()) == kZip64LocatorSig) {
      const uint64_t z64 = le64(loc.data() + 8);
      if (z64 > pos - kZip64LocatorSize || pos - kZip64LocatorSize - z64 < kZip64EndSize)
        return false;
      const auto rec = a.read(z64, kZip64EndSize);
      if (le32(rec.data()) != kZip64EndSig) return false;
      dir.entries = le64(rec.data() + 32);
      dir.size = le64(rec.data() + 40);
      dir.offset = le64(rec.data() + 48);
      limit = z64;
    }
  }
  if (limit == pos) {
    dir.entries = le16(end + 10);
    dir.size = le32(end + 12);
    dir.offset = le32(end + 16);
  }
  if (dir.offset > limit || limit - dir.offset < dir.size) return false;
  // The file starts with an entry (checked before), so an empty directory is inconsistent
  // too: `PK\5\6` and zeros inside weights that a truncation left at the end.
  if (dir.size < kCentralSize || dir.entries == 0) return false;
  const auto sig = a.read(dir.offset, 4);
  return le32(sig.data()) == kCentralSig;
}

Directory find_directory(const Archive& a) {
  const uint64_t tail_len = std::min<uint64_t>(a.size(), kEndSize + kMaxComment);
  const uint64_t tail_off = a.size() - tail_len;
  const auto tail = a.read(tail_off, static_cast<size_t>(tail_len));
  // From the end backwards, as miniz does: the last consistent end record.
  for (uint64_t i = tail_len - kEndSize + 1; i-- > 0;) {
    if (le32(tail.data() + i) != kEndSig) continue;
    Directory dir;
    if (read_end_record(a, tail.data() + i, tail_off + i, dir)) return dir;
  }
  a.truncated("the zip end-of-archive record is missing");
}

// Fills in the 64-bit values that the zip64 extra field (id 1) holds for those that are
// 0xFFFFFFFF in the central header, in the order the format fixes.
void apply_zip64_extra(const Archive& a, const unsigned char* extra, size_t len, Entry& e,
                       bool big_uncompressed, bool big_compressed, bool big_offset) {
  size_t p = 0;
  while (p + 4 <= len) {
    const uint16_t id = le16(extra + p);
    const uint16_t size = le16(extra + p + 2);
    if (p + 4 + size > len) break;
    if (id == 1) {
      const unsigned char* f = extra + p + 4;
      size_t left = size;
      auto take = [&](uint64_t& v) {
        if (left < 8) a.corrupted("the zip64 field of entry " + e.name + " is too short");
        v = le64(f);
        f += 8;
        left -= 8;
      };
      if (big_uncompressed) take(e.uncompressed);
      if (big_compressed) take(e.compressed);
      if (big_offset) take(e.local_offset);
      return;
    }
    p += 4 + size;
  }
  a.corrupted("entry " + e.name + " has 32-bit fields set to 0xFFFFFFFF but no zip64 field");
}

std::vector<Entry> read_entries(const Archive& a, const Directory& dir) {
  const auto cd = a.read(dir.offset, static_cast<size_t>(dir.size));
  std::vector<Entry> entries;
  size_t p = 0;
  while (p < cd.size()) {
    const std::string which = "central directory record " + std::to_string(entries.size() + 1);
    if (cd.size() - p < kCentralSize || le32(cd.data() + p) != kCentralSig) {
      a.corrupted(which + " is damaged");
    }
    const unsigned char* h = cd.data() + p;
    const size_t name_len = le16(h + 28), extra_len = le16(h + 30), comment_len = le16(h + 32);
    if (cd.size() - p - kCentralSize < name_len + extra_len + comment_len) {
      a.corrupted(which + " runs past the directory's end");
    }
    Entry e;
    e.raw_name.assign(reinterpret_cast<const char*>(h + kCentralSize), name_len);
    e.name = e.raw_name;
    for (char& c : e.name) {
      if (c < 0x20 || c > 0x7e) c = '?';
    }
    e.flags = le16(h + 8);
    e.method = le16(h + 10);
    e.crc = le32(h + 16);
    e.compressed = le32(h + 20);
    e.uncompressed = le32(h + 24);
    e.local_offset = le32(h + 42);
    const bool big_u = e.uncompressed == kMax32, big_c = e.compressed == kMax32,
               big_o = e.local_offset == kMax32;
    if (big_u || big_c || big_o) {
      apply_zip64_extra(a, h + kCentralSize + name_len, extra_len, e, big_u, big_c, big_o);
    }
    entries.push_back(std::move(e));
    p += kCentralSize + name_len + extra_len + comment_len;
  }
  if (entries.size() != dir.entries) {
    a.corrupted("the central directory holds " + std::to_string(entries.size()) +
                " entries, the end record says " + std::to_string(dir.entries));
  }

  for (Entry& e : entries) {
    if (e.local_offset > a.size() || a.size() - e.local_offset < kLocalSize) {
      a.truncated("entry " + e.name + " starts at byte " + std::to_string(e.local_offset));
    }
    const auto h =
        a.read(e.local_offset, static_cast<size_t>(std::min<uint64_t>(
                                   kLocalSize + e.raw_name.size(), a.size() - e.local_offset)));
    // The name too, as Python's zipfile checks it: libtorch finds entries by the directory's.
    if (h.size() < kLocalSize + e.raw_name.size() || le32(h.data()) != kLocalSig ||
        le16(h.data() + 26) != e.raw_name.size() ||
        !std::equal(e.raw_name.begin(), e.raw_name.end(), h.begin() + kLocalSize)) {
      a.corrupted("the local header of entry " + e.name + " is damaged");
    }
    e.data_offset = e.local_offset + kLocalSize + le16(h.data() + 26) + le16(h.data() + 28);
    if (e.data_offset > a.size() || a.size() - e.data_offset < e.compressed) {
      a.truncated("entry " + e.name + " would end at byte " +
                  std::to_string(e.data_offset + e.compressed));
    }
    if (e.data_offset + e.compressed > dir.offset) {
      a.corrupted("entry " + e.name + " overlaps the central directory");
    }
    // libtorch's miniz reads stored and deflated entries only, and no encrypted ones.
    if ((e.flags & 1) != 0 || (e.method != 0 && e.method != 8)) {
      throw ModelError(a.name() + ": entry " + e.name +
                       ((e.flags & 1) != 0
                            ? " is encrypted"
                            : " uses compression method " + std::to_string(e.method)) +
                       ", which libtorch cannot read: copy or export the model again "
                       "(scripts/export_hf.py)");
    }
    if (e.method == 0 && e.compressed != e.uncompressed) {
      a.corrupted("stored entry " + e.name + " has different compressed and uncompressed sizes");
    }
  }
  // Entries that share bytes would have those bytes checked again and again (a crafted
  // directory could repeat one large entry without end); Python's zipfile refuses them too.
  std::vector<const Entry*> by_offset;
  for (const Entry& e : entries) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const Entry* x, const Entry* y) { return x->local_offset < y->local_offset; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    if (by_offset[i - 1]->data_offset + by_offset[i - 1]->compressed > by_offset[i]->local_offset) {
      a.corrupted("entries " + by_offset[i - 1]->name + " and " + by_offset[i]->name + " overlap");
    }
  }
  return entries;
}

// One unit of CRC work: a piece of a stored entry, or a whole deflated entry (inflated).
struct Piece {
  size_t entry = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
  bool inflate = false;
  uint32_t crc = 0;
  std::string error;  // a deflated entry that does not inflate
};

void crc_stored(const Archive& a, Piece& piece, std::vector<unsigned char>& buf) {
  uLong crc = crc32_z(0, nullptr, 0);
  for (uint64_t done = 0; done < piece.length;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), piece.length - done));
    a.read(piece.offset + done, buf.data(), n);
    crc = crc32_z(crc, buf.data(), n);
    done += n;
  }
  piece.crc = static_cast<uint32_t>(crc);
}

void crc_inflated(const Archive& a, const Entry& e, Piece& piece, std::vector<unsigned char>& in) {
  std::vector<unsigned char> out(kChunkBytes);
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) throw std::bad_alloc();
  struct End {
    z_stream& zs;
    ~End() { inflateEnd(&zs); }
  } end{zs};  // also when a read throws
  uLong crc = crc32_z(0, nullptr, 0);
  uint64_t read = 0, produced = 0;
  int ret = Z_OK;
  while (ret != Z_STREAM_END) {
    if (zs.avail_in == 0 && read < piece.length) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(in.size(), piece.length - read));
      a.read(piece.offset + read, in.data(), n);
      read += n;
      zs.next_in = in.data();
      zs.avail_in = static_cast<uInt>(n);
    }
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    ret = inflate(&zs, Z_NO_FLUSH);
    const size_t got = out.size() - zs.avail_out;
    crc = crc32_z(crc, out.data(), got);
    produced += got;
    if (ret == Z_STREAM_END) break;
    if (ret != Z_OK || produced > e.uncompressed) {
      piece.error = produced > e.uncompressed
                        ? "inflates to more than its " + std::to_string(e.uncompressed) + " bytes"
                    : ret == Z_BUF_ERROR ? "its deflate stream ends early"
                    : zs.msg != nullptr  ? std::string("it does not inflate: ") + zs.msg
                                         : "it does not inflate";
      break;
    }
  }
  if (piece.error.empty() && produced != e.uncompressed) {
    piece.error =
        "inflates to " + std::to_string(produced) + " bytes, not " + std::to_string(e.uncompressed);
  }
  piece.crc = static_cast<uint32_t>(crc);
}

void check_crcs(const Archive& a, const std::vector<Entry>& entries, unsigned threads) {
  std::vector<Piece> pieces;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (e.method == 8) {
      pieces.push_back({i, e.data_offset, e.compressed, true, 0, {}});
      continue;
    }
    for (uint64_t off = 0; off < e.compressed; off += kPieceBytes) {
      pieces.push_back(
          {i, e.data_offset + off, std::min(kPieceBytes, e.compressed - off), false, 0, {}});
    }
  }

  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    try {
      std::vector<unsigned char> buf(kChunkBytes);
      for (size_t i = next++; i < pieces.size(); i = next++) {
        Piece& piece = pieces[i];
        if (piece.inflate) {
          crc_inflated(a, entries[piece.entry], piece, buf);
        } else {
          crc_stored(a, piece, buf);
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = pieces.size();  // the others stop too
    }
  };
  const unsigned n = static_cast<unsigned>(std::min<size_t>(std::max(1u, threads), pieces.size()));
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < n; ++t) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads: those running do the work
    }
  }
  work();
  for (auto& t : helpers) t.join();
  if (failure) std::rethrow_exception(failure);

  // Pieces are in entry order and, within an entry, in offset order: combine them.
  size_t p = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (p == pieces.size() || pieces[p].entry != i) {
      const Entry& e = entries[i];
      if (e.crc != 0) {  // an empty stored entry: its CRC is 0
        a.corrupted("entry " + e.name + " fails its CRC-32 check: stored " + hex32(e.crc) +
                    ", computed " + hex32(0));
      }
      continue;
    }
    uLong crc = crc32_z(0, nullptr, 0);
    for (; p < pieces.size() && pieces[p].entry == i; ++p) {
      if (!pieces[p].error.empty())
        a.corrupted("entry " + entries[i].name + ": " + pieces[p].error);
      crc = pieces[p].inflate
                ? pieces[p].crc
                : crc32_combine(crc, pieces[p].crc, static_cast<z_off_t>(pieces[p].length));
    }
    if (crc != entries[i].crc) {
      a.corrupted("entry " + entries[i].name + " fails its CRC-32 check: stored " +
                  hex32(entries[i].crc) + ", computed " + hex32(static_cast<uint32_t>(crc)));
    }
  }
}

// zlib's crc32 runs at about 2.7 GB/s on one core (AMD EPYC, Zen 4). A 1 GiB model.pt in the
// page cache takes 0.35-0.5 s on one thread, 0.2-0.3 s on two, against 0.6-0.7 s for
// torch::jit::load itself; the threads compete with nothing, as the check runs before the
// model exists. (Four were not measured: the machine had two cores.)
unsigned default_threads() {
  return std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
}

void verify_model_archive_with(const fs::path& file, unsigned threads) {
  const Archive a(file);
  if (a.size() == 0) {
    throw ModelError(file.string() +
                     " is empty (0 bytes): copy or export the model again "
                     "(scripts/export_hf.py)");
  }
  const auto head = a.read(0, static_cast<size_t>(std::min<uint64_t>(a.size(), 512)));
  if (starts_with(head, "version https://git-lfs.github.com/spec/") ||
      starts_with(head, "version https://hawser.github.com/spec/")) {
    std::string real;
    const std::string text(head.begin(), head.end());
    if (const auto at = text.find("\nsize "); at != std::string::npos) {
      const auto digits =
          text.substr(at + 6, text.find_first_not_of("0123456789", at + 6) - (at + 6));
      if (!digits.empty()) real = " (the model itself is " + digits + " bytes)";
    }
    throw ModelError(file.string() + " is a git-lfs pointer, not the model" + real +
                     ": run `git lfs pull` in the repository it came from (or download the file)");
  }
  if (a.size() < 4 || le32(head.data()) != kLocalSig) {
    if (a.size() >= 4 && le32(head.data()) == kEndSig)
      a.not_torchscript("the zip archive is empty");
    a.not_torchscript(describe(head, a.size()));
  }
  if (a.size() < kLocalSize + kEndSize) a.truncated("the zip end-of-archive record is missing");
  const Directory dir = find_directory(a);
  const std::vector<Entry> entries = read_entries(a, dir);
  check_crcs(a, entries, threads);
}

}  // namespace

void verify_model_archive(const fs::path& file) {
  verify_model_archive_with(file, default_threads());
}

}  // namespace crossrank
