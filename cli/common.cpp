#include "common.hpp"

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <paystack/store_url.hpp>
#include <sstream>
#include <variant>

#include "log.hpp"

namespace cli {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::int64_t value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  auto [p, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || p == first || value < 0) return std::nullopt;
  std::string_view unit(p, static_cast<std::size_t>(last - p));
  std::int64_t ms = 0;
  constexpr std::int64_t max_ms = std::int64_t{24} * 3600 * 1000;
  if (value > max_ms) return std::nullopt;
  if (unit.empty() || unit == "s") {
    ms = value * 1000;
  } else if (unit == "ms") {
    ms = value;
  } else if (unit == "m" || unit == "min") {
    ms = value * 60'000;
  } else if (unit == "h") {
    ms = value * 3'600'000;
  } else {
    return std::nullopt;
  }
  if (ms <= 0 || ms > max_ms) return std::nullopt;
  return std::chrono::milliseconds{ms};
}

namespace {

/// `text` as a decimal integer of 64 bits: digits with an optional leading '-', nothing else.
std::optional<std::int64_t> strict_integer(std::string_view text) {
  const auto digits = text.substr(!text.empty() && text.front() == '-' ? 1 : 0);
  if (digits.empty() || digits.size() > 19 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::int64_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || p != text.data() + text.size()) return std::nullopt;
  return value;
}

/// `text` as a finite decimal number.
std::optional<double> strict_number(std::string_view text) {
  if (text.empty() || text.front() == '+' || std::isspace(static_cast<unsigned char>(text.front())))
    return std::nullopt;
  double value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || p != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

std::string number_text(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

CLI::Validator integer_in(std::int64_t min, std::int64_t max) {
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        const auto v = strict_integer(text);
        if (!v || *v < min || *v > max) return "expected " + range + ", got '" + text + "'";
        return {};
      },
      "in [" + std::to_string(min) + " - " + std::to_string(max) + "]", "integer_in");
}

CLI::Validator positive_integer() {
  auto v = integer_in(1, std::numeric_limits<std::int64_t>::max());
  v.description("POSITIVE");
  return v;
}

CLI::Validator rate_budget_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const auto v = strict_number(text);
        if (v && (*v == 0 || (*v >= min_rate_budget && *v <= 1e6))) return {};
        return "expected 0 (no budget) or requests per minute from " +
               number_text(min_rate_budget) +
               " to 1000000 (a smaller budget never lets a charge's presence check through), "
               "got '" +
               text + "'";
      },
      "0 or in [" + number_text(min_rate_budget) + " - 1000000]", "rate_budget");
}

CLI::Validator number_in(double min, double max) {
  const std::string range = "a number from " + number_text(min) + " to " + number_text(max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        const auto v = strict_number(text);
        if (!v || *v < min || *v > max) return "expected " + range + ", got '" + text + "'";
        return {};
      },
      "in [" + number_text(min) + " - " + number_text(max) + "]", "number_in");
}

void make_numbers_strict(CLI::App& app) {
  for (CLI::Option* o : app.get_options()) {
    const auto type = o->get_type_name();
    const auto base = type.substr(0, type.find_first_of(": "));
    std::optional<CLI::Validator> strict;
    if (base == "INT") {
      strict = integer_in(std::numeric_limits<std::int64_t>::min(),
                          std::numeric_limits<std::int64_t>::max());
    } else if (base == "UINT") {
      strict = integer_in(0, std::numeric_limits<std::int64_t>::max());
    } else if (base == "FLOAT") {
      strict = number_in(-std::numeric_limits<double>::max(), std::numeric_limits<double>::max());
    }
    if (!strict) continue;
    strict->description("");  // the help shows the option's own range, not this one
    o->check(*strict);
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    make_numbers_strict(*sub);
}

CLI::Option* add_timeout_option(CLI::App& app, std::chrono::milliseconds& target, bool& given,
                                std::string description) {
  return app
      .add_option_function<std::string>(
          "--timeout",
          [&target, &given](const std::string& text) {
            auto d = parse_duration(text);
            if (!d) {
              throw CLI::ValidationError("--timeout",
                                         "expected a duration such as 30, 30s, "
                                         "500ms, 2m or 1h (at most 24h), got '" +
                                             text + "'");
            }
            target = *d;
            given = true;
          },
          std::move(description))
      ->type_name("DURATION");
}

std::optional<paystack::client_options> make_client_options(const global_options& g) {
  if (g.secret_key.empty()) {
    if (g.base_url.empty()) {
      std::cerr
          << "paystack-terminal: no Paystack secret key.\n"
             "  Set PAYSTACK_SECRET_KEY=sk_test_... (or pass --secret-key). Your keys are on the\n"
             "  Paystack dashboard under Settings > API Keys & Webhooks\n"
             "  (https://dashboard.paystack.com/#/settings/developers); use the test key to try.\n"
             "  No account, or no network? Two ways to try everything locally:\n"
             "    paystack-terminal demo     the whole in-person payment flow against a built-in\n"
             "                               simulator, in a few seconds\n"
             "    paystack-terminal sim      a local Paystack simulator; then, in another shell:\n"
             "      paystack-terminal --base-url http://127.0.0.1:7000 \\\n"
             "                        --secret-key sk_test_simulator list\n";
    } else {
      std::cerr << "paystack-terminal: no secret key for " << g.base_url
                << ".\n  Set PAYSTACK_SECRET_KEY or pass --secret-key (a simulator started with\n"
                   "  `paystack-terminal sim` accepts sk_test_simulator unless told otherwise).\n";
    }
    return std::nullopt;
  }
  if (g.secret_key.rfind("sk_", 0) != 0) {
    // Never echo the value: it may be a real key pasted into the wrong place.
    std::cerr << "paystack-terminal: the secret key must be a secret key (sk_test_... or "
                 "sk_live_...);\n  public keys (pk_...) cannot call the Terminal API.\n";
    return std::nullopt;
  }
  paystack::client_options o;
  o.secret_key = g.secret_key;
  o.base_url = g.base_url;
  o.timeout = g.timeout;
  o.connect_timeout = std::min(o.connect_timeout, g.timeout);
  o.idle_read_timeout = std::min(o.idle_read_timeout, g.timeout);
  o.user_agent_suffix = "paystack-terminal";
  o.logger = make_logger(g.verbose);
  return o;
}

bool check_configuration(const paystack::terminal_client& client) {
  auto ec = client.configuration_error();
  if (!ec) return true;
  const auto& why = client.configuration_detail();
  std::cerr << "paystack-terminal: " << (why.empty() ? ec.message() : why)
            << " (base URL: " << client.base_url() << ")\n";
  return false;
}

std::function<void(const paystack::log_record&)> make_logger(bool attempts) {
  return [attempts](const paystack::log_record& r) {
    if (log::json()) {  // --log-format json: every attempt, one JSON line each
      if (r.kind == paystack::log_kind::warning)
        log::write("warn", r.message);
      else
        log::attempt(r);
      return;
    }
    if (r.kind == paystack::log_kind::warning) {
      std::cerr << "paystack-terminal: warning: " << r.message << '\n' << std::flush;
      return;
    }
    if (!attempts) return;
    std::ostringstream line;
    line << "> " << r.method << ' ' << r.path << " -> ";
    if (r.status_code != 0) {
      line << r.status_code;
    } else {
      line << (r.error ? r.error.message() : std::string("no reply"));
    }
    line << " (attempt " << r.attempt << ", " << std::fixed << std::setprecision(1)
         << static_cast<double>(r.elapsed.count()) / 1000.0 << " ms"
         << (r.will_retry ? ", will retry" : "") << ")\n";
    std::cerr << line.str() << std::flush;
  };
}

std::string or_dash(const std::optional<std::string>& s) {
  return s && !s->empty() ? *s : std::string("-");
}

void print_table(std::ostream& os, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], server_text(row[i]).size());
    }
  }
  auto line = [&](std::vector<std::string> cells) {
    std::string out;
    for (auto& cell : cells) cell = server_text(cell);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size()) out += std::string(width[i] - cells[i].size() + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    os << out << '\n';
  };
  line(header);
  for (const auto& row : rows) line(row);
}

void print_fields(std::ostream& os,
                  const std::vector<std::pair<std::string, std::string>>& fields) {
  std::size_t width = 0;
  for (const auto& [k, v] : fields) width = std::max(width, k.size());
  for (const auto& [k, v] : fields) {
    os << k << ':' << std::string(width - k.size() + 1, ' ') << server_text(v) << '\n';
  }
}

void print_raw(std::string_view raw) {
  const std::string clean = server_text(raw);  // one line: a body's line breaks become spaces
  std::string_view body = clean;
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' ')) {
    body.remove_suffix(1);
  }
  std::cout << body << '\n' << std::flush;
}

void print_json_line(std::string_view json) {
  std::string line(json);
  for (auto& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  print_raw(line);
}

std::string format_amount(std::int64_t subunits, std::string_view currency) {
  const bool negative = subunits < 0;
  const std::uint64_t v =
      negative ? 0 - static_cast<std::uint64_t>(subunits) : static_cast<std::uint64_t>(subunits);
  char frac[8];
  std::snprintf(frac, sizeof frac, "%02u", static_cast<unsigned>(v % 100));
  std::string out(currency.empty() ? std::string_view("NGN") : currency);
  out += ' ';
  if (negative) out += '-';
  out += std::to_string(v / 100) + '.' + frac;
  return out;
}

void print_paging(const paystack::page_meta& m, std::string_view one, std::string_view many) {
  if (m.page && m.page_count) {
    std::cout << "page " << *m.page << " of " << *m.page_count;
    if (m.total) std::cout << " (" << *m.total << ' ' << (*m.total == 1 ? one : many) << ')';
    std::cout << '\n';
  }
  if (m.next) std::cout << "next page:     --next " << server_text(*m.next) << '\n';
  if (m.previous) std::cout << "previous page: --previous " << server_text(*m.previous) << '\n';
}

std::string terminal_json_line(const paystack::terminal& t) {
  namespace json = boost::json;
  auto opt = [](const std::optional<std::string>& s) -> json::value {
    if (s) return json::value(*s);
    return json::value(nullptr);
  };
  json::object o;
  o["id"] = t.id;
  o["serial_number"] = opt(t.serial_number);
  o["device_make"] = opt(t.device_make);
  o["terminal_id"] = t.terminal_id;
  o["integration"] = t.integration;
  o["domain"] = t.domain;
  o["name"] = opt(t.name);
  o["address"] = opt(t.address);
  o["status"] = t.status;
  if (t.split_code) o["split_code"] = *t.split_code;
  return json::serialize(o);
}

/// One human line about an event: its name and what identifies it.
std::string describe_webhook(const paystack::webhook_event& e) {
  std::string out = e.event;
  if (const auto* c = std::get_if<paystack::charge_success_data>(&e.data)) {
    out += "  reference " + c->reference + "  " + format_amount(c->amount, c->currency);
    if (c->channel) out += "  channel " + *c->channel;
    if (c->terminal_id) out += "  terminal " + *c->terminal_id;
  } else if (const auto* p = std::get_if<paystack::payment_request>(&e.data)) {
    out += "  " + p->request_code + "  " + format_amount(p->amount, p->currency) + "  status " +
           p->status;
    if (p->offline_reference) out += "  offline reference " + *p->offline_reference;
  } else if (const auto* f = std::get_if<paystack::invoice_payment_failed_data>(&e.data)) {
    if (f->request_code) out += "  " + *f->request_code;
    if (f->invoice_code && f->invoice_code != f->request_code) out += "  " + *f->invoice_code;
    if (f->offline_reference) out += "  offline reference " + *f->offline_reference;
  } else if (const auto* r = std::get_if<paystack::refund_event_data>(&e.data)) {
    out += "  transaction " + r->transaction_reference + "  " +
           format_amount(r->amount, r->currency) + "  status " + r->status_text;
  }
  return out;
}

int report_failure(const global_options& g, boost::system::error_code ec, unsigned status_code,
                   std::string_view message, const std::optional<std::string>& code,
                   const std::optional<std::string>& type,
                   const std::optional<std::string>& next_step, std::string_view error_detail,
                   std::string_view raw_body, bool interrupted) {
  namespace asio = boost::asio;
  if (ec == asio::error::operation_aborted && interrupted) {
    std::cerr << "paystack-terminal: interrupted; the request was cancelled\n";
    return exit_interrupted;
  }
  if (ec) {
    const bool refused_before_sending =
        ec == paystack::error::invalid_argument || ec == paystack::error::missing_secret_key ||
        ec == paystack::error::invalid_base_url || ec == paystack::error::insecure_transport;
    std::cerr << "paystack-terminal: ";
    if (refused_before_sending) {
      std::cerr << (error_detail.empty() ? ec.message() : server_text(error_detail))
                << " (nothing was sent)\n";
      return exit_usage;
    }
    if (status_code >= 400) {
      // An HTTP error whose body is not Paystack's envelope (e.g. a proxy's HTML page).
      if (g.json && !raw_body.empty()) print_raw(raw_body);
      std::cerr << "HTTP " << status_code << ": " << ec.message();
      if (!error_detail.empty()) std::cerr << " (" << server_text(error_detail) << ")";
      std::cerr << '\n';
      return exit_api;
    }
    std::cerr << ec.message();
    if (!error_detail.empty()) std::cerr << ": " << server_text(error_detail);
    if (status_code != 0) std::cerr << " (HTTP " << status_code << ")";
    std::cerr << '\n';
    return exit_network;
  }
  if (g.json) print_raw(raw_body);
  std::cerr << "paystack-terminal: "
            << (message.empty() ? std::string("request failed") : server_text(message)) << " (HTTP "
            << status_code;
  if (code) std::cerr << ", code " << server_text(*code);
  if (type) std::cerr << ", " << server_text(*type);
  std::cerr << ")\n";
  if (next_step) std::cerr << "  next step: " << server_text(*next_step) << '\n';
  return exit_api;
}

CLI::Option* add_store_option(CLI::App& app, std::string& target) {
  return app
      .add_option("--store", target,
                  "the charge store: a SQLite file PATH (or sqlite:PATH), created if needed, or "
                  "postgres://user@host:port/db shared by a fleet")
      ->envname("PAYSTACK_CHARGE_STORE")
      ->type_name("PATH");
}

void use_rate_budget(const global_options& g, paystack::client_options& o,
                     boost::asio::any_io_executor ex,
                     const std::shared_ptr<paystack::charge_store>& store,
                     std::optional<paystack::call_priority> priority) {
  if (g.rate_budget <= 0) return;
  paystack::rate_budget_options b;
  b.integration = g.secret_key.rfind("sk_live_", 0) == 0 ? "live" : "test";
  b.per_minute = g.rate_budget;
  std::shared_ptr<paystack::rate_budget> budget;
  if (store) budget = store->shared_rate_budget(b);
  if (!budget) budget = paystack::make_local_rate_budget(std::move(ex), b);
  o.rate_budget = std::move(budget);
  o.rate_priority = priority;
}

CLI::Option* add_wait_for_terminal_flag(CLI::App& app, bool& target) {
  return app.add_flag("--wait-for-terminal", target,
                      "with a store (shared by the processes of a machine, or by a fleet on "
                      "postgres://): when another charge holds the terminal, wait until it is "
                      "free (within --timeout) instead of ending TERMINAL BUSY");
}

std::shared_ptr<paystack::charge_store> open_store(boost::asio::io_context& ioc,
                                                   const std::string& url, bool create) {
  boost::system::error_code ec;
  std::string why;
  const auto where = paystack::parse_charge_store_url(url);
  if (!create && where && where->engine == paystack::charge_store_engine::sqlite) {
    std::error_code fs_ec;
    if (!std::filesystem::exists(where->path, fs_ec)) {
      std::cerr << "paystack-terminal: the charge store " << where->path
                << " does not exist (only `charge` creates a store): check the path\n";
      return nullptr;
    }
  }
  auto store = paystack::open_charge_store(ioc.get_executor(), url, ec, why);
  if (!store) std::cerr << "paystack-terminal: " << why << '\n';
  return store;
}

int store_failed(boost::system::error_code ec) {
  std::cerr << "paystack-terminal: the charge store failed: " << ec.message() << '\n';
  return exit_usage;
}

}  // namespace cli
