// refund create --key --store (exactly once) and refunds list | show KEY | resume [KEY | --all]:
// the keyed refunds a store holds (doc/refunds.md). list and show use the store only; create and
// resume call Paystack.
#include <boost/json.hpp>
#include <paystack/refund_flow.hpp>

#include "common.hpp"
#include "store_view.hpp"

namespace cli {
namespace {

namespace json = boost::json;

json::value opt_int(const std::optional<std::int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object record_json(const paystack::refund_record& r) {
  json::object o{{"key", r.key},
                 {"transaction", r.transaction},
                 {"amount", r.amount},
                 {"currency", r.currency},
                 {"stage", std::string(paystack::to_string(r.stage))},
                 {"transaction_id", opt_int(r.transaction_id)},
                 {"refund_id", opt_int(r.refund_id)},
                 {"refund_status", r.refund_status},
                 {"reason", r.reason},
                 {"created_at_ms", r.created_at_ms},
                 {"updated_at_ms", r.updated_at_ms}};
  o["outcome"] =
      r.outcome ? json::value(std::string(paystack::to_string(*r.outcome))) : json::value(nullptr);
  return o;
}

std::string result_json(boost::system::error_code ec, const paystack::refund_result& r) {
  json::object o{{"key", r.key},
                 {"outcome", std::string(paystack::to_string(r.outcome))},
                 {"refund_id", opt_int(r.refund_id)},
                 {"refund_status", r.data ? json::value(r.data->status_text) : nullptr},
                 {"transaction_id", opt_int(r.transaction_id)},
                 {"transaction_amount", opt_int(r.transaction_amount)},
                 {"refunded_before", opt_int(r.refunded_before)},
                 {"replayed", r.replayed},
                 {"resumed", r.resumed},
                 {"found", r.found},
                 {"reason", server_text(r.reason)},
                 {"error", ec ? json::value(ec.message()) : json::value(nullptr)}};
  return json::serialize(o);
}

void print_result(std::ostream& os, boost::system::error_code ec,
                  const paystack::refund_result& r) {
  std::string head = r.outcome == paystack::refund_outcome::refunded  ? "REFUNDED"
                     : r.outcome == paystack::refund_outcome::refused ? "REFUSED"
                     : r.outcome == paystack::refund_outcome::busy    ? "BUSY"
                                                                      : "NOT FINISHED";
  os << head << ": key " << r.key;
  if (r.refund_id) os << "  refund " << *r.refund_id;
  if (r.data) os << " (" << server_text(r.data->status_text) << ")";
  if (r.replayed) os << "  (recorded before; nothing sent)";
  if (r.found) os << "  (found by its marker)";
  os << '\n';
  if (!r.reason.empty()) os << "  " << server_text(r.reason) << '\n';
  if (ec && r.outcome == paystack::refund_outcome::failed)
    os << "  error: " << ec.message() << '\n';
}

int exit_code_of(boost::system::error_code ec, const paystack::refund_result& r) {
  if (ec == paystack::error::invalid_argument) return exit_usage;
  if (ec == paystack::error::store_failed || ec == paystack::error::store_conflict)
    return store_failed(ec);
  if (ec) return exit_network;
  return r.outcome == paystack::refund_outcome::refunded ? exit_ok : exit_api;
}

struct args {
  std::string store;
  std::string key;
  bool all = false;
  bool unfinished = false;
};

int report(const context& ctx, boost::system::error_code ec, const paystack::refund_result& r) {
  if (ctx.opts.json)
    std::cout << result_json(ec, r) << '\n';
  else
    print_result(std::cout, ec, r);
  return exit_code_of(ec, r);
}

int resume_refunds(context& ctx, const args& a) {
  return with_store_client(
      ctx, a.store, false,
      [&](boost::asio::io_context& ioc, const paystack::terminal_client& client,
          const std::shared_ptr<paystack::charge_store>& store) {
        std::vector<std::string> keys{a.key};
        if (a.all) {
          auto [ec, left] = run_store<std::vector<paystack::refund_record>>(ioc, [&](auto h) {
            store->async_list_refunds({.unfinished_only = true}, std::move(h));
          });
          if (ec) return store_failed(ec);
          keys.clear();
          for (auto& r : left) keys.push_back(r.key);
        }
        int code = exit_ok;
        for (auto& key : keys) {
          auto [ec, r] = run_store<paystack::refund_result>(ioc, [&](auto h) {
            paystack::async_resume_refund(client, store, key, std::move(h));
          });
          code = std::max(code, report(ctx, ec, r));
        }
        if (a.all && !ctx.opts.json) std::cout << keys.size() << " refund(s) resumed\n";
        return code;
      });
}

int list_refunds(context& ctx, const args& a) {
  boost::asio::io_context ioc;
  auto store = open_store(ioc, a.store);
  if (!store) return exit_usage;
  auto [ec, records] = run_store<std::vector<paystack::refund_record>>(ioc, [&](auto h) {
    store->async_list_refunds({.unfinished_only = a.unfinished}, std::move(h));
  });
  if (ec) return store_failed(ec);
  if (ctx.opts.json) {
    json::array arr;
    for (auto& r : records) arr.push_back(record_json(r));
    std::cout << json::serialize(arr) << '\n';
    return exit_ok;
  }
  std::vector<std::vector<std::string>> rows;
  for (auto& r : records)
    rows.push_back({r.key, r.transaction, std::to_string(r.amount), std::string(to_string(r.stage)),
                    r.outcome ? std::string(to_string(*r.outcome)) : "-",
                    r.refund_id ? std::to_string(*r.refund_id) : "-"});
  print_table(std::cout, {"KEY", "TRANSACTION", "AMOUNT", "STAGE", "OUTCOME", "REFUND"}, rows);
  return exit_ok;
}

int show_refund(context& ctx, const args& a) {
  boost::asio::io_context ioc;
  auto store = open_store(ioc, a.store);
  if (!store) return exit_usage;
  auto [ec, rec] = run_store<std::optional<paystack::refund_record>>(
      ioc, [&](auto h) { store->async_load_refund(a.key, std::move(h)); });
  if (ec) return store_failed(ec);
  if (!rec) {
    std::cerr << "paystack-terminal: no refund has the key " << a.key << '\n';
    return exit_api;
  }
  auto [ec2, history] = run_store<std::vector<paystack::refund_journal_entry>>(
      ioc, [&](auto h) { store->async_refund_history(a.key, std::move(h)); });
  if (ec2) return store_failed(ec2);
  if (ctx.opts.json) {
    auto o = record_json(*rec);
    o["journal"] = journal_json(history);
    std::cout << json::serialize(o) << '\n';
    return exit_ok;
  }
  print_fields(std::cout, {{"key", rec->key},
                           {"transaction", rec->transaction},
                           {"amount", std::to_string(rec->amount) +
                                          (rec->currency.empty() ? "" : " " + rec->currency)},
                           {"stage", std::string(to_string(rec->stage))},
                           {"outcome", rec->outcome ? std::string(to_string(*rec->outcome)) : "-"},
                           {"refund", rec->refund_id ? std::to_string(*rec->refund_id) : "-"},
                           {"refund status", rec->refund_status.empty() ? "-" : rec->refund_status},
                           {"reason", rec->reason.empty() ? "-" : rec->reason}});
  print_journal(std::cout, history);
  return exit_ok;
}

}  // namespace

int create_keyed_refund(context& ctx, paystack::refund_params params, const std::string& store) {
  return with_store_client(
      ctx, store, true,
      [&](boost::asio::io_context& ioc, const paystack::terminal_client& client,
          const std::shared_ptr<paystack::charge_store>& s) {
        // The store goes with the refund only: it must be gone (its thread
        // joined) before the io_context is, and `params` outlives both.
        auto p = params;
        p.store = s;
        auto [ec, r] = run_store<paystack::refund_result>(
            ioc, [&](auto h) { paystack::async_refund(client, std::move(p), std::move(h)); });
        return report(ctx, ec, r);
      });
}

void add_refunds_command(CLI::App& app, context& ctx) {
  auto* refunds = app.add_subcommand(
      "refunds",
      "The keyed refunds a store holds (refund create --key --store): list, show, resume");
  refunds->group("Refunds");
  refunds->require_subcommand(1);
  refunds->footer(
      "Exit codes: 0 ok (resume: refunded), 1 unknown key (show), refused or busy, 2 usage or\n"
      "the store cannot be used, 3 the refund's reply was lost and it was not found (resume "
      "again).\n"
      "See doc/refunds.md.");
  auto a = std::make_shared<args>();

  auto* list = refunds->add_subcommand("list", "List the keyed refunds, oldest first");
  add_store_option(*list, a->store)->required();
  list->add_flag("--unfinished", a->unfinished, "only refunds without an outcome (to resume)");
  list->callback([&ctx, a] { ctx.action = [&ctx, a] { return list_refunds(ctx, *a); }; });

  auto* show = refunds->add_subcommand("show", "Show one keyed refund and its journal");
  show->add_option("KEY", a->key, "the refund key")->required();
  add_store_option(*show, a->store)->required();
  show->callback([&ctx, a] { ctx.action = [&ctx, a] { return show_refund(ctx, *a); }; });

  auto* resume = refunds->add_subcommand(
      "resume",
      "Finish an unfinished refund (KEY) or all of them (--all): look it up by its marker first, "
      "send only when not found");
  resume->add_option("KEY", a->key, "the refund key");
  resume->add_flag("--all", a->all, "every unfinished refund, oldest first");
  add_store_option(*resume, a->store)->required();
  resume->callback([&ctx, a] {
    if (a->all == !a->key.empty()) throw CLI::ValidationError("resume", "give either KEY or --all");
    ctx.action = [&ctx, a] { return resume_refunds(ctx, *a); };
  });
}

}  // namespace cli
