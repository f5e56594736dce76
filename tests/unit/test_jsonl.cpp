// The line reader and writer under the input and output every run has.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "crossrank/jsonl.hpp"
#include "support.hpp"

using crossrank::BadLine;
using crossrank::LineReader;
using crossrank::LineWriter;

TEST_CASE("the reader numbers lines, drops a BOM and CR, keeps NUL bytes and a last line "
          "without a newline",
          "[jsonl]") {
  crossrank::test::TempDir dir;
  const std::string nul("a\0b", 3);
  const auto path = dir.write("in", "\xEF\xBB\xBFone\r\n\ntwo " + nul + "\r\nthree");
  LineReader in(path.string());
  std::string line;
  REQUIRE(in.next(line));
  CHECK(line == "one");
  CHECK(in.line_number() == 1);
  REQUIRE(in.next(line));
  CHECK(line.empty());
  REQUIRE(in.next(line));
  CHECK(line == "two " + nul);
  REQUIRE(in.next(line));
  CHECK(line == "three");
  CHECK(in.line_number() == 4);
  CHECK_FALSE(in.next(line));
  CHECK_FALSE(in.next(line));
}

TEST_CASE("a line over the limit is skipped without being held, and reading goes on after it", "[jsonl]") {
  crossrank::test::TempDir dir;
  // Longer than the reader's 64 KiB buffer, so it spans several reads.
  const auto path = dir.write("in", "short\n" + std::string(300000, 'x') + "\nafter\n" + std::string(100, 'y'));
  LineReader in(path.string(), 100);
  std::string line;
  REQUIRE(in.next(line));
  CHECK(line == "short");
  try {
    in.next(line);
    FAIL("expected BadLine");
  } catch (const BadLine& e) {
    CHECK(e.line() == 2);
    CHECK_FALSE(e.raw().has_value());
    CHECK_THAT(e.what(), Catch::Contains("300000 bytes long, over the limit of 100"));
  }
  REQUIRE(in.next(line));
  CHECK(line == "after");
  CHECK(in.line_number() == 3);
  REQUIRE(in.next(line));  // exactly at the limit
  CHECK(line.size() == 100);
  CHECK_FALSE(in.next(line));
}

TEST_CASE("a reader of the output pipe only ever receives whole lines", "[jsonl]") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::vector<std::string> chunks;
  std::thread reader([&] {
    std::vector<char> buffer(1 << 20);
    ssize_t n;
    while ((n = read(fds[0], buffer.data(), buffer.size())) > 0) chunks.emplace_back(buffer.data(), n);
  });
  std::string expected;
  {
    LineWriter out("/proc/self/fd/" + std::to_string(fds[1]));
    for (int i = 0; i < 3000; ++i) {
      const std::string line = std::to_string(i) + std::string(static_cast<size_t>(i * 37 % 900), 'z');
      out.write_line(line);
      expected += line + "\n";
      if (i % 700 == 0) out.flush();
      if (i % 50 == 0) std::this_thread::yield();
    }
    out.flush();
  }
  close(fds[1]);
  reader.join();
  close(fds[0]);
  std::string received;
  for (const auto& c : chunks) {
    CHECK(c.back() == '\n');
    received += c;
  }
  CHECK(received == expected);
}
