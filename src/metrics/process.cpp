// default_registry() and the process metrics it holds from the start: resident memory, CPU
// time and open file descriptors, read from /proc/self at each exposition (Linux; elsewhere
// the series read 0).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <paystack/metrics.hpp>
#include <sstream>
#include <string>

namespace paystack {
inline namespace v0 {
namespace metrics {

namespace {

/// Fields 14 and 15 of /proc/self/stat (utime, stime) in seconds.
double cpu_seconds() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  const long ticks = ::sysconf(_SC_CLK_TCK);
  return ticks > 0 ? (utime + stime) / static_cast<double>(ticks) : 0;
}

/// The second field of /proc/self/statm (resident pages) in bytes.
double resident_bytes() {
  std::ifstream in("/proc/self/statm");
  double size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  const long page = ::sysconf(_SC_PAGESIZE);
  return resident * static_cast<double>(page > 0 ? page : 4096);
}

double open_fds() {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/fd", ec), end;
  double n = 0;
  for (; !ec && it != end; it.increment(ec)) ++n;
  return n > 0 ? n - 1 : 0;  // the iterator's own descriptor
}

}  // namespace

registry& default_registry() {
  static registry* r = [] {
    auto* reg = new registry();  // never destroyed: series are fed until the process ends
    reg->add_callback("process_resident_memory_bytes", "Resident memory size in bytes.",
                      metric_type::gauge, resident_bytes);
    reg->add_callback("process_cpu_seconds_total", "Total user and system CPU time in seconds.",
                      metric_type::counter, cpu_seconds);
    reg->add_callback("process_open_fds", "Number of open file descriptors.", metric_type::gauge,
                      open_fds);
    return reg;
  }();
  return *r;
}

}  // namespace metrics
}  // namespace v0
}  // namespace paystack
