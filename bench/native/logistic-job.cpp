// The native reference for bench/native.ts: batch-grad's default job (the logistic model's value and its
// gradient with respect to every input) in C++17, as a competent native program would do it. The threads
// take 1 MiB blocks of the file in turn (pread), parse their lines with std::from_chars, compute, format
// with std::to_chars (shortest round-trip digits, like batch-grad's writer), and write the blocks' outputs
// in order, so memory stays flat. It checks nothing and locates no errors: it is the cost of the arithmetic and
// of the number text alone, the floor a per-row budget is compared with.
//
// Usage: logistic-job <input.csv> <output.csv> <threads>
// Columns: w1..wn, x1..xn and b are found by name; others (id) are skipped. Output: f, then df/d<name> for
// each model input in header order: g·x_i for w_i, g·w_i for x_i, g for b, with g = f·(1 - f).
#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

enum Kind { SKIP, WEIGHT, FEATURE, BIAS };

struct Column {
  Kind kind;
  int index;  // i - 1 for w_i and x_i
};

std::vector<Column> columnsOf(const std::string& header, int& n) {
  std::vector<Column> columns;
  n = 0;
  size_t from = 0;
  while (from <= header.size()) {
    size_t end = header.find(',', from);
    if (end == std::string::npos) end = header.size();
    std::string name = header.substr(from, end - from);
    Column column{SKIP, 0};
    if (name == "b") column.kind = BIAS;
    else if (name.size() > 1 && (name[0] == 'w' || name[0] == 'x') && name.find_first_not_of("0123456789", 1) == std::string::npos) {
      column.kind = name[0] == 'w' ? WEIGHT : FEATURE;
      column.index = std::atoi(name.c_str() + 1) - 1;
      if (column.index + 1 > n) n = column.index + 1;
    }
    columns.push_back(column);
    from = end + 1;
  }
  return columns;
}

void writeNumber(std::vector<char>& out, double x, char after) {
  char text[32];
  char* end = std::to_chars(text, text + sizeof text, x).ptr;
  *end++ = after;
  out.insert(out.end(), text, end);
}

void computePart(const char* p, const char* end, const std::vector<Column>& columns, int n, std::vector<char>& out) {
  std::vector<double> w(n), x(n), values(columns.size());
  out.reserve(static_cast<size_t>(end - p) * 2);
  while (p < end) {
    double b = 0;
    for (size_t c = 0; c < columns.size(); c++) {
      const Column& column = columns[c];
      if (column.kind == SKIP) {
        while (p < end && *p != ',' && *p != '\n') p++;
      } else {
        double value;
        p = std::from_chars(p, end, value).ptr;
        values[c] = value;
        if (column.kind == WEIGHT) w[column.index] = value;
        else if (column.kind == FEATURE) x[column.index] = value;
        else b = value;
      }
      p++;  // the comma, or the line feed after the last field
    }
    double z = b;
    for (int i = 0; i < n; i++) z += w[i] * x[i];
    const double f = 1 / (1 + std::exp(-z));
    const double g = f * (1 - f);
    size_t last = columns.size();
    while (last > 0 && columns[last - 1].kind == SKIP) last--;
    writeNumber(out, f, last == 0 ? '\n' : ',');
    for (size_t c = 0; c < last; c++) {
      const Column& column = columns[c];
      if (column.kind == SKIP) continue;
      const double d = column.kind == WEIGHT ? g * x[column.index] : column.kind == FEATURE ? g * w[column.index] : g;
      writeNumber(out, d, c + 1 == last ? '\n' : ',');
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: logistic-job <input.csv> <output.csv> <threads>\n");
    return 2;
  }
  const int threads = std::atoi(argv[3]);
  const int fd = open(argv[1], O_RDONLY);
  struct stat info;
  if (fd < 0 || fstat(fd, &info) != 0) {
    std::perror(argv[1]);
    return 1;
  }
  const long size = static_cast<long>(info.st_size);
  std::string header;
  {
    char buffer[1 << 16];
    const ssize_t got = pread(fd, buffer, sizeof buffer, 0);
    const char* lf = static_cast<const char*>(std::memchr(buffer, '\n', got > 0 ? got : 0));
    if (lf == nullptr) return 1;
    header.assign(buffer, static_cast<size_t>(lf - buffer));
  }
  const long body = static_cast<long>(header.size()) + 1;
  int n = 0;
  const std::vector<Column> columns = columnsOf(header, n);
  FILE* out = std::fopen(argv[2], "wb");
  if (out == nullptr) {
    std::perror(argv[2]);
    return 1;
  }
  std::string outHeader = "f";
  size_t from = 0;
  for (const Column& column : columns) {
    size_t comma = header.find(',', from);
    if (column.kind != SKIP) outHeader += ",df_d" + header.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    from = comma + 1;
  }
  outHeader += '\n';
  std::fwrite(outHeader.data(), 1, outHeader.size(), out);

  // Blocks of BLOCK bytes, taken in turn by the threads; a block computes the lines that start in it (the
  // line before it ends at or after its first byte), and the blocks' outputs are written in order.
  const long BLOCK = 1 << 20;
  const long OVERHANG = 1 << 16;
  const long blocks = (size - body + BLOCK - 1) / BLOCK;
  std::atomic<long> next{0};
  long written = 0;
  std::mutex mutex;
  std::condition_variable turn;
  auto work = [&]() {
    std::vector<char> in(BLOCK + OVERHANG + 1);
    std::vector<char> output;
    for (long k = next++; k < blocks; k = next++) {
      const long start = body + k * BLOCK;
      const long origin = start > body ? start - 1 : start;
      const long end = std::min(size, start + BLOCK);
      const long want = std::min(size, end + OVERHANG) - origin;
      long got = 0;
      while (got < want) {
        const ssize_t r = pread(fd, in.data() + got, want - got, origin + got);
        if (r <= 0) break;
        got += r;
      }
      const char* data = in.data();
      // The first line starting at or after `start`, and the first at or after `end`.
      const char* first = data + (start - origin);
      if (start > body) while (first[-1] != '\n') first++;
      const char* last = data + (end - origin);
      if (end < size) while (last[-1] != '\n') last++;
      output.clear();
      if (first < last) computePart(first, last, columns, n, output);
      std::unique_lock<std::mutex> lock(mutex);
      turn.wait(lock, [&] { return written == k; });
      std::fwrite(output.data(), 1, output.size(), out);
      written++;
      turn.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; t++) pool.emplace_back(work);
  for (std::thread& thread : pool) thread.join();
  return std::fclose(out) == 0 ? 0 : 1;
}
