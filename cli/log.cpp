// Structured logs (log.hpp).
#include "log.hpp"

#include <atomic>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <chrono>
#include <ctime>
#include <iostream>

namespace cli::log {

namespace {

std::atomic<bool> json_on{false};

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[40];
  const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

void append(std::string& out, std::string_view name, std::string_view value, bool number) {
  out += ',';
  out += boost::json::serialize(boost::json::string(name));
  out += ':';
  out += number ? std::string(value) : boost::json::serialize(boost::json::string(value));
}

}  // namespace

bool json() noexcept {
  return json_on.load(std::memory_order_relaxed);
}
void set_json(bool on) noexcept {
  json_on.store(on, std::memory_order_relaxed);
}

void write(std::string_view level, std::string_view msg, std::initializer_list<field> fields) {
  std::string line = "{\"ts\":\"" + timestamp() + "\"";
  append(line, "level", level, false);
  append(line, "msg", msg, false);
  for (const auto& f : fields) {
    if (!f.value.empty()) append(line, f.name, f.value, f.number);
  }
  line += "}\n";
  std::cerr << line << std::flush;
}

void info(std::string_view msg, std::string_view text, std::initializer_list<field> fields) {
  if (json())
    write("info", msg, fields);
  else
    std::cerr << text << std::flush;
}

void attempt(const paystack::log_record& r) {
  const auto status = r.status_code ? std::to_string(r.status_code) : std::string();
  const auto attempt = std::to_string(r.attempt);
  const auto ms = std::to_string(static_cast<double>(r.elapsed.count()) / 1000.0);
  const auto error = r.status_code ? std::string() : r.error ? r.error.message() : "no reply";
  write(r.status_code >= 500 || !r.status_code ? "warn" : "debug", "http attempt",
        {{"operation", r.operation},
         {"method", r.method},
         {"path", r.path},
         {"status", status, true},
         {"error", error},
         {"attempt", attempt, true},
         {"elapsed_ms", ms, true},
         {"will_retry", r.will_retry ? "true" : "", true}});
}

void charge_progress(std::string_view terminal_id, std::string_view key,
                     const paystack::charge_progress& p) {
  const bool done = p.stage == paystack::charge_stage::done;
  // At the end the text is "<outcome>: <reason>": the outcome is the status.
  const auto status = done ? std::string_view(p.text).substr(0, p.text.find(':')) : "";
  write("info", done ? "charge ended" : "charge stage",
        {{"stage", paystack::to_string(p.stage)},
         {"terminal_id", terminal_id},
         {"key", key},
         {"request_code", p.request_code.value_or("")},
         {"status", status},
         {"text", p.text}});
}

void add_option(CLI::App& sub) {
  sub.add_option_function<std::string>(
         "--log-format", [](const std::string& v) { set_json(v == "json"); },
         "text (default) or json: one JSON object per line on stderr (ts, level, msg, "
         "operation, key, terminal_id, request_code, status)")
      ->check(CLI::IsMember({"text", "json"}))
      ->type_name("FORMAT");
}

}  // namespace cli::log
