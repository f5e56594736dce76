#include <catch2/catch.hpp>

#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "crossrank/error.hpp"
#include "crossrank/model_archive.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using crossrank::verify_model_archive;
using crossrank::test::TempDir;

// Python agrees with every damaged archive below: zipfile.ZipFile(path).testzip() names the
// flipped entry of the tiny-bert copy (model/data/1) and of the synthetic archives, and
// zipfile refuses the truncated copies ("File is not a zip file"); it accepts the synthetic
// zip32/zip64, stored/deflated archives that these tests build and the verifier accepts.

namespace {

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path tiny_bert_model() {
  return crossrank::test::data_dir() / "models" / "tiny-bert" / "model.pt";
}

// The message of the ModelError that verify_model_archive throws; any other exception fails
// the test, and no exception gives a message that no check matches.
std::string model_error(const fs::path& p) {
  try {
    verify_model_archive(p);
  } catch (const crossrank::ModelError& e) {
    return e.what();
  }
  return "(no ModelError)";
}

uint16_t le16(const std::string& s, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(s[at]) |
                               static_cast<unsigned char>(s[at + 1]) << 8);
}
uint32_t le32(const std::string& s, size_t at) {
  return uint32_t{le16(s, at)} | uint32_t{le16(s, at + 2)} << 16;
}

struct LocalEntry {
  std::string name;
  size_t data_offset;
  size_t size;
};

// The entries of a zip archive without data descriptors (as PyTorch writes them), found by
// walking the local headers from the start, independently of the verifier's code. (A zip64
// local header's sizes are in its first extra field here, as make_zip below writes them.)
std::vector<LocalEntry> local_entries(const std::string& zip) {
  std::vector<LocalEntry> out;
  size_t p = 0;
  while (p + 30 <= zip.size() && le32(zip, p) == 0x04034b50) {
    const size_t name_len = le16(zip, p + 26), extra_len = le16(zip, p + 28);
    size_t size = le32(zip, p + 18);
    if (size == 0xFFFFFFFF) {
      const size_t extra = p + 30 + name_len;
      REQUIRE(le16(zip, extra) == 1);
      size = le32(zip, extra + 12);  // the compressed size's low half: small archives
    }
    const size_t data = p + 30 + name_len + extra_len;
    out.push_back({zip.substr(p + 30, name_len), data, size});
    p = data + size;
  }
  return out;
}

LocalEntry find_entry(const std::string& zip, const std::string& suffix) {
  for (const auto& e : local_entries(zip)) {
    if (e.name.size() >= suffix.size() &&
        e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return e;
    }
  }
  FAIL("no entry ending in " << suffix);
  return {};
}

// A zip archive written here, to reach what the fixtures (torch 1.13: zip32, stored) do not:
// zip64 records and fields, deflated entries, an entry checked in several pieces.
struct ZipEntry {
  std::string name;
  std::string data;
  bool deflate = false;
};

void put16(std::string& s, uint32_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& s, uint32_t v) {
  put16(s, v & 0xFFFF);
  put16(s, v >> 16);
}
void put64(std::string& s, uint64_t v) {
  put32(s, static_cast<uint32_t>(v));
  put32(s, static_cast<uint32_t>(v >> 32));
}

std::string raw_deflate(const std::string& data) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(&out[0]);
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// zip64: every size and offset in the headers is 0xFFFFFFFF with the value in a zip64 extra
// field, and the end record points to a zip64 end record through its locator.
std::string make_zip(const std::vector<ZipEntry>& entries, bool zip64) {
  std::string zip, directory;
  for (const auto& e : entries) {
    const std::string body = e.deflate ? raw_deflate(e.data) : e.data;
    const auto crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(e.data.data()), static_cast<uInt>(e.data.size())));
    const uint64_t offset = zip.size();
    const uint16_t version = zip64 ? 45 : 20, method = e.deflate ? 8 : 0;
    std::string local_extra, central_extra;
    if (zip64) {
      put16(local_extra, 1);
      put16(local_extra, 16);
      put64(local_extra, e.data.size());
      put64(local_extra, body.size());
      put16(central_extra, 1);
      put16(central_extra, 24);
      put64(central_extra, e.data.size());
      put64(central_extra, body.size());
      put64(central_extra, offset);
    }
    const uint32_t csize = zip64 ? 0xFFFFFFFF : static_cast<uint32_t>(body.size());
    const uint32_t usize = zip64 ? 0xFFFFFFFF : static_cast<uint32_t>(e.data.size());
    put32(zip, 0x04034b50);
    put16(zip, version);
    put16(zip, 0);  // flags
    put16(zip, method);
    put16(zip, 0);     // time
    put16(zip, 0x21);  // date: 1980-01-01
    put32(zip, crc);
    put32(zip, csize);
    put32(zip, usize);
    put16(zip, static_cast<uint32_t>(e.name.size()));
    put16(zip, static_cast<uint32_t>(local_extra.size()));
    zip += e.name + local_extra + body;

    put32(directory, 0x02014b50);
    put16(directory, version);
    put16(directory, version);
    put16(directory, 0);
    put16(directory, method);
    put16(directory, 0);
    put16(directory, 0x21);
    put32(directory, crc);
    put32(directory, csize);
    put32(directory, usize);
    put16(directory, static_cast<uint32_t>(e.name.size()));
    put16(directory, static_cast<uint32_t>(central_extra.size()));
    put16(directory, 0);  // comment
    put16(directory, 0);  // disk
    put16(directory, 0);  // internal attributes
    put32(directory, 0);  // external attributes
    put32(directory, zip64 ? 0xFFFFFFFF : static_cast<uint32_t>(offset));
    directory += e.name + central_extra;
  }
  const uint64_t directory_offset = zip.size();
  zip += directory;
  if (zip64) {
    const uint64_t record = zip.size();
    put32(zip, 0x06064b50);
    put64(zip, 44);
    put16(zip, 45);
    put16(zip, 45);
    put32(zip, 0);
    put32(zip, 0);
    put64(zip, entries.size());
    put64(zip, entries.size());
    put64(zip, directory.size());
    put64(zip, directory_offset);
    put32(zip, 0x07064b50);
    put32(zip, 0);
    put64(zip, record);
    put32(zip, 1);
  }
  put32(zip, 0x06054b50);
  put16(zip, 0);
  put16(zip, 0);
  put16(zip, zip64 ? 0xFFFF : static_cast<uint32_t>(entries.size()));
  put16(zip, zip64 ? 0xFFFF : static_cast<uint32_t>(entries.size()));
  put32(zip, zip64 ? 0xFFFFFFFF : static_cast<uint32_t>(directory.size()));
  put32(zip, zip64 ? 0xFFFFFFFF : static_cast<uint32_t>(directory_offset));
  put16(zip, 0);
  return zip;
}

std::string pattern(size_t n, unsigned seed) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& c : s) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

// Like a TorchScript archive's weights: an archive/data/N entry per tensor, and a data.pkl.
std::vector<ZipEntry> torch_like_entries(bool deflate) {
  std::vector<ZipEntry> entries;
  for (unsigned i = 0; i < 5; ++i) {
    entries.push_back({"archive/data/" + std::to_string(i), pattern(4096 + 1000 * i, i), deflate});
  }
  entries.push_back({"archive/data.pkl", std::string(300, 'x'), deflate});
  entries.push_back({"archive/version", "3\n", false});
  return entries;
}

}  // namespace

TEST_CASE("model archive: every fixture model passes", "[model_archive]") {
  CHECK_NOTHROW(verify_model_archive(tiny_bert_model()));
  size_t checked = 0;
  for (const auto& entry :
       fs::recursive_directory_iterator(crossrank::test::data_dir() / "models")) {
    if (entry.path().filename() != "model.pt") continue;
    INFO(entry.path().string());
    CHECK_NOTHROW(verify_model_archive(entry.path()));
    ++checked;
  }
  CHECK(checked >= 5);
}

TEST_CASE("model archive: a flipped byte in a weight is a CRC error naming the entry",
          "[model_archive]") {
  TempDir dir;
  std::string bytes = read_bytes(tiny_bert_model());
  // model/data/1 is the word-embedding matrix (1.9 MB of the 2 MB file).
  const LocalEntry weight = find_entry(bytes, "/data/1");
  REQUIRE(weight.size > 1000);
  bytes[weight.data_offset + weight.size / 2] ^= 0x01;
  const auto path = dir.write("model.pt", bytes);
  const std::string message = model_error(path);
  CHECK_THAT(message, Contains(path.string()) && Contains(weight.name) && Contains("CRC") &&
                          Contains("corrupted") && Contains("copy or export it again"));

  // The last byte of the last entry's data, just before the central directory.
  bytes = read_bytes(tiny_bert_model());
  const LocalEntry last = local_entries(bytes).back();
  REQUIRE(last.size > 0);
  bytes[last.data_offset + last.size - 1] ^= 0x40;
  CHECK_THAT(model_error(dir.write("model.pt", bytes)), Contains(last.name) && Contains("CRC"));
}

TEST_CASE("model archive: truncated copies", "[model_archive]") {
  TempDir dir;
  const std::string bytes = read_bytes(tiny_bert_model());
  for (const size_t size :
       {bytes.size() / 2, bytes.size() - 1, bytes.size() - 30, size_t{100}, size_t{10}}) {
    INFO(size);
    const auto path = dir.write("model.pt", bytes.substr(0, size));
    CHECK_THAT(model_error(path),
               Contains(path.string()) &&
                   Contains("is truncated (" + std::to_string(size) + " bytes") &&
                   Contains("copy or export it again"));
  }
  // An end-record signature that a truncation left inside the weights (followed by zeros, an
  // "empty archive") is not taken for the end of the archive.
  std::string cut = bytes.substr(0, bytes.size() / 2);
  cut.replace(cut.size() - 22, 22, std::string("PK\x05\x06", 4) + std::string(18, '\0'));
  CHECK_THAT(model_error(dir.write("model.pt", cut)), Contains("is truncated"));
}

TEST_CASE("model archive: a git-lfs pointer", "[model_archive]") {
  TempDir dir;
  const auto path =
      dir.write("model.pt",
                "version https://git-lfs.github.com/spec/v1\n"
                "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
                "size 90868376\n");
  CHECK_THAT(model_error(path), Contains(path.string()) && Contains("git-lfs pointer") &&
                                    Contains("git lfs pull") && Contains("90868376 bytes"));
}

TEST_CASE("model archive: empty, text and other files that are not archives", "[model_archive]") {
  TempDir dir;
  auto path = dir.write("model.pt", "");
  CHECK_THAT(model_error(path), Contains(path.string() + " is empty (0 bytes)"));

  path =
      dir.write("model.pt", "this is not a model, just some text that someone saved as model.pt\n");
  CHECK_THAT(model_error(path),
             Contains(path.string() + " is not a TorchScript zip archive: make model.pt") &&
                 Contains("scripts/export_hf.py"));
  path = dir.write("model.pt", "PK");
  CHECK_THAT(model_error(path), Contains("not a TorchScript zip archive"));
  path = dir.write("model.pt", "\n<!DOCTYPE html><html><body>Sign in to continue</body></html>\n");
  CHECK_THAT(model_error(path), Contains("not a TorchScript zip archive") && Contains("HTML"));
  path = dir.write("model.pt", std::string("\x80\x02\x8a\x0a", 4) + "lZ");
  CHECK_THAT(model_error(path), Contains("not a TorchScript zip archive") && Contains("pickle"));
  path = dir.write("model.pt", std::string("PK\x05\x06", 4) + std::string(18, '\0'));
  CHECK_THAT(model_error(path),
             Contains("not a TorchScript zip archive (the zip archive is empty)"));
  CHECK_THROWS_AS(verify_model_archive(dir.path()), crossrank::ModelError);  // a directory
}

TEST_CASE("model archive: zip32 and zip64, stored and deflated", "[model_archive]") {
  TempDir dir;
  for (const bool zip64 : {false, true}) {
    for (const bool deflate : {false, true}) {
      INFO("zip64 " << zip64 << ", deflate " << deflate);
      std::string zip = make_zip(torch_like_entries(deflate), zip64);
      CHECK_NOTHROW(verify_model_archive(dir.write("model.pt", zip)));

      const LocalEntry e3 = find_entry(zip, "archive/data/3");
      std::string bad = zip;
      bad[e3.data_offset + 10] ^= 0x08;
      CHECK_THAT(model_error(dir.write("model.pt", bad)),
                 Contains("archive/data/3") && Contains("corrupted"));
      if (!deflate) {
        CHECK_THAT(model_error(dir.write("model.pt", bad)), Contains("CRC"));
      }
      CHECK_THAT(model_error(dir.write("model.pt", zip.substr(0, zip.size() / 2))),
                 Contains("is truncated"));

      // The central directory's CRC field of archive/data/2 (the data stays as it was).
      bad = zip;
      const size_t record = bad.rfind("archive/data/2") - 46;  // the last mention: the directory
      REQUIRE(le32(bad, record) == 0x02014b50);
      bad[record + 16] ^= 0x01;
      CHECK_THAT(model_error(dir.write("model.pt", bad)),
                 Contains("archive/data/2") && Contains("CRC"));
      // Its compression method: 12 (bzip2), which libtorch's miniz cannot read.
      bad = zip;
      bad[record + 10] = 12;
      CHECK_THAT(
          model_error(dir.write("model.pt", bad)),
          Contains("entry archive/data/2 uses compression method 12, which libtorch cannot read"));
    }
  }
}

TEST_CASE("model archive: an entry larger than one piece of the parallel check",
          "[model_archive]") {
  // 32 MiB pieces (lib/src/model/model_archive.cpp): this entry is checked in two, combined.
  TempDir dir;
  const size_t size = (size_t{32} << 20) + 1000;
  std::string zip =
      make_zip({{"archive/data/0", pattern(size, 7)}, {"archive/data.pkl", "x"}}, false);
  const auto path = dir.write("model.pt", zip);
  CHECK_NOTHROW(verify_model_archive(path));
  const LocalEntry big = find_entry(zip, "archive/data/0");
  for (const size_t at : {size_t{0}, size_t{32} << 20, size - 1}) {
    std::string bad = zip;
    bad[big.data_offset + at] ^= 0x10;
    CHECK_THAT(model_error(dir.write("model.pt", bad)),
               Contains("archive/data/0") && Contains("CRC"));
  }
}

TEST_CASE("model archive: a directory naming one entry's bytes again and again is refused",
          "[model_archive]") {
  // Each repeat would have the same megabyte checked once more: a crafted file could make the
  // check run without end. Python's zipfile refuses such overlaps too.
  TempDir dir;
  const std::string zip = make_zip({{"archive/data/0", pattern(1 << 20, 7)}}, false);
  const size_t end = zip.size() - 22;  // the end record (no comment)
  const uint32_t directory_size = le32(zip, end + 12), directory_offset = le32(zip, end + 16);
  const std::string record = zip.substr(directory_offset, directory_size);
  std::string repeated = zip.substr(0, directory_offset);
  const int copies = 50;
  for (int i = 0; i < copies; ++i) repeated += record;
  std::string tail = zip.substr(end);
  tail[8] = tail[10] = static_cast<char>(copies);  // entries on this disk, entries in all
  const uint32_t size = directory_size * copies;
  for (int b = 0; b < 4; ++b) tail[12 + b] = static_cast<char>((size >> (8 * b)) & 0xFF);
  CHECK_THAT(model_error(dir.write("model.pt", repeated + tail)), Contains("overlap"));
}
