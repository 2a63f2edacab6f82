// Structured logs of the long-running commands (serve, webhooks listen, charge): with
// `--log-format json`, every line they write to stderr is one JSON object (ts, level, msg, and
// operation, key, terminal_id, request_code, status where they apply; doc/operations.md). The
// fields are an allow-list: no secret key, API token, Authorization header, signature or body
// is ever a field (tests/cli/cli_secrets_test.cpp), and every line still passes the output
// filter that redacts keys.
#pragma once

#include <CLI/CLI.hpp>
#include <initializer_list>
#include <paystack/charge.hpp>
#include <paystack/client_options.hpp>
#include <string>
#include <string_view>

namespace cli::log {

/// Whether --log-format json was given.
bool json() noexcept;
void set_json(bool on) noexcept;

/// One field of a line: a string, or a number when `number` is set (`value` then holds digits).
struct field {
  std::string_view name;
  std::string_view value;
  bool number = false;
};

/// Writes one JSON line to stderr: {"ts":..., "level":..., "msg":..., fields...} (empty values
/// are left out).
void write(std::string_view level, std::string_view msg, std::initializer_list<field> fields = {});

/// Writes `msg` as a JSON line (level info) with --log-format json, else `text` as it is.
void info(std::string_view msg, std::string_view text, std::initializer_list<field> fields = {});

/// One HTTP attempt of the client (make_logger with --log-format json): operation, method,
/// path, status (or error), attempt, elapsed_ms, will_retry.
void attempt(const paystack::log_record& r);

/// A charge's progress: stage, terminal_id, key, request_code, status (the outcome, at the end).
void charge_progress(std::string_view terminal_id, std::string_view key,
                     const paystack::charge_progress& p);

/// Adds `--log-format text|json` to `sub`.
void add_option(CLI::App& sub);

}  // namespace cli::log
