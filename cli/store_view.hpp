// paystack-terminal: what the store commands share (`charges` in commands/charges.cpp, `refunds`
// in commands/refunds.cpp): a client beside the store on one io_context, and a record's journal
// shown as JSON or as lines.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <ostream>
#include <vector>

#include "common.hpp"

namespace cli {

/// Opens the store `url` (created only with `create`) and a client on one io_context and runs
/// `body(ioc, client, store)`; a bad configuration or store exits 2 before anything is sent.
/// With --rate-budget, the client's calls are of `priority` (else classify_request's).
template <class Body>
int with_store_client(const context& ctx, const std::string& url, bool create, Body body,
                      std::optional<paystack::call_priority> priority = std::nullopt) {
  auto options = make_client_options(ctx.opts);
  if (!options) return exit_usage;
  boost::asio::io_context ioc;
  int code = exit_ok;
  {
    auto store = open_store(ioc, url, create);
    if (!store) return exit_usage;
    use_rate_budget(ctx.opts, *options, ioc.get_executor(), store, priority);
    paystack::terminal_client client(ioc.get_executor(), *options);
    if (!check_configuration(client)) return exit_usage;
    code = body(ioc, client, store);
  }
  ioc.restart();
  ioc.poll();
  return code;
}

/// A journal (charge_journal_entry or refund_journal_entry), oldest first, as a JSON array of
/// {sequence, stage, at_ms, detail}.
template <class Entry>
boost::json::array journal_json(const std::vector<Entry>& history) {
  boost::json::array out;
  for (const auto& e : history)
    out.push_back(boost::json::object{{"sequence", e.sequence},
                                      {"stage", std::string(paystack::to_string(e.stage))},
                                      {"at_ms", e.at_ms},
                                      {"detail", e.detail}});
  return out;
}

/// A journal as `journal:` and one indented line per entry (the detail as the server's text).
template <class Entry>
void print_journal(std::ostream& os, const std::vector<Entry>& history) {
  os << "journal:\n";
  for (const auto& e : history)
    os << "  " << e.sequence << "  " << paystack::to_string(e.stage)
       << (e.detail.empty() ? "" : "  " + server_text(e.detail)) << '\n';
}

}  // namespace cli
