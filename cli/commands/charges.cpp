// charges list [--open] | show KEY | resume [KEY | --all] | reconcile | cancel KEY: the charges
// a store holds (doc/charges.md). Uses the store only, except resume, reconcile and cancel
// (Paystack).
#include <boost/json.hpp>

#include "charge_view.hpp"
#include "store_view.hpp"

namespace cli {
namespace {

namespace json = boost::json;

std::string opt(const std::optional<std::string>& s) {
  return s ? *s : "-";
}

json::value opt_json(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::object record_json(const paystack::charge_record& r) {
  json::object o{{"key", r.key},
                 {"terminal_id", r.terminal_id},
                 {"customer", r.customer},
                 {"amount", r.amount},
                 {"currency", r.currency},
                 {"stage", std::string(paystack::to_string(r.stage))},
                 {"request_code", opt_json(r.request_code)},
                 {"offline_reference", opt_json(r.offline_reference)},
                 {"event_id", opt_json(r.event_id)},
                 {"pushes", r.pushes},
                 {"open", r.open},
                 {"reason", r.reason},
                 {"created_at_ms", r.created_at_ms},
                 {"updated_at_ms", r.updated_at_ms}};
  o["request_id"] = r.request_id ? json::value(*r.request_id) : json::value(nullptr);
  o["outcome"] =
      r.outcome ? json::value(std::string(paystack::to_string(*r.outcome))) : json::value(nullptr);
  return o;
}

struct args {
  std::string store;
  bool open_only = false;
  bool all = false;
  bool wait_for_terminal = false;
  std::string key;
  std::size_t limit = 1000;  // charges list --limit
  std::string after;         // charges list --after
};

int list_charges(context& ctx, const args& a) {
  boost::asio::io_context ioc;
  auto store = open_store(ioc, a.store);
  if (!store) return exit_usage;
  if (!a.after.empty()) {
    auto [ec, from] = run_store<std::optional<paystack::charge_record>>(
        ioc, [&](auto h) { store->async_load(a.after, std::move(h)); });
    if (ec) return store_failed(ec);
    if (!from) {
      std::cerr << "paystack-terminal: --after: no charge has the key " << a.after << '\n';
      return exit_usage;
    }
  }
  // One more than shown: whether there are more.
  paystack::charge_list_filter filter{
      .open_only = a.open_only, .limit = a.limit + 1, .after = a.after};
  auto [ec, records] = run_store<std::vector<paystack::charge_record>>(
      ioc, [&](auto h) { store->async_list(filter, std::move(h)); });
  if (ec) return store_failed(ec);
  const bool more = records.size() > a.limit;
  if (more) records.resize(a.limit);
  const std::string last = records.empty() ? std::string() : records.back().key;
  auto say_more = [more, &last](std::ostream& os) {
    if (more) os << "more charges: --after " << last << '\n';
  };
  if (ctx.opts.json) {
    json::array arr;
    for (auto& r : records) arr.push_back(record_json(r));
    std::cout << json::serialize(arr) << '\n';
    say_more(std::cerr);  // stdout stays one JSON document
    return exit_ok;
  }
  std::vector<std::vector<std::string>> rows;
  for (auto& r : records)
    rows.push_back({r.key, r.terminal_id, std::to_string(r.amount), std::string(to_string(r.stage)),
                    r.outcome ? std::string(to_string(*r.outcome)) : "-", yes_no(r.open),
                    opt(r.request_code)});
  print_table(std::cout, {"KEY", "TERMINAL", "AMOUNT", "STAGE", "OUTCOME", "OPEN", "REQUEST"},
              rows);
  say_more(std::cout);
  return exit_ok;
}

int show_charge(context& ctx, const args& a) {
  boost::asio::io_context ioc;
  auto store = open_store(ioc, a.store);
  if (!store) return exit_usage;
  auto [ec, rec] = run_store<std::optional<paystack::charge_record>>(
      ioc, [&](auto h) { store->async_load(a.key, std::move(h)); });
  if (ec) return store_failed(ec);
  if (!rec) {
    std::cerr << "paystack-terminal: no charge has the key " << a.key << '\n';
    return exit_api;
  }
  auto [ec2, history] = run_store<std::vector<paystack::charge_journal_entry>>(
      ioc, [&](auto h) { store->async_history(a.key, std::move(h)); });
  if (ec2) return store_failed(ec2);
  if (ctx.opts.json) {
    auto o = record_json(*rec);
    o["journal"] = journal_json(history);
    std::cout << json::serialize(o) << '\n';
    return exit_ok;
  }
  print_fields(std::cout, {{"key", rec->key},
                           {"terminal", rec->terminal_id},
                           {"customer", rec->customer},
                           {"amount", std::to_string(rec->amount) +
                                          (rec->currency.empty() ? "" : " " + rec->currency)},
                           {"stage", std::string(to_string(rec->stage))},
                           {"outcome", rec->outcome ? std::string(to_string(*rec->outcome)) : "-"},
                           {"open", yes_no(rec->open)},
                           {"reason", rec->reason.empty() ? "-" : rec->reason},
                           {"payment request", opt(rec->request_code)},
                           {"offline reference", opt(rec->offline_reference)},
                           {"event id", opt(rec->event_id)},
                           {"pushes", std::to_string(rec->pushes)}});
  print_journal(std::cout, history);
  return exit_ok;
}

paystack::charge_params resume_settings(const context& ctx, const args& a,
                                        const progress_printer& progress) {
  paystack::charge_params p;
  p.wait_for_terminal = a.wait_for_terminal;
  p.timeout = ctx.opts.timeout_set ? ctx.opts.timeout : std::chrono::minutes(3);
  p.on_progress = progress;
  return p;
}

int resume_charges(context& ctx, const args& a) {
  return with_store_client(
      ctx, a.store, false,
      [&](boost::asio::io_context& ioc, const paystack::terminal_client& client,
          const std::shared_ptr<paystack::charge_store>& store) {
        int code = exit_ok;
        progress_printer progress(std::cerr, is_tty(2), "");
        bool interrupted = false;
        if (!a.all) {
          auto [ec, r] = run_cancellable<paystack::charge_result>(
              ioc,
              [&](auto h) {
                paystack::async_resume_charge(client, store, a.key,
                                              resume_settings(ctx, a, progress), std::move(h));
              },
              interrupted);
          progress.finish();
          if (ctx.opts.json)
            std::cout << charge_result_json(r.request ? r.request->request_code : "", ec, r)
                      << '\n';
          else
            print_charge_result(std::cout, a.key, ec, r);
          code = charge_exit_code(ec, r, interrupted);
        } else {
          auto [ec, results] = run_cancellable<std::vector<paystack::charge_result>>(
              ioc,
              [&](auto h) {
                paystack::async_resume_all_charges(client, store, resume_settings(ctx, a, progress),
                                                   std::move(h));
              },
              interrupted);
          progress.finish();
          if (ec) return store_failed(ec);
          unsigned unfinished = 0;
          for (auto& r : results) {
            if (r.outcome == paystack::charge_outcome::cancelled || r.reason.empty()) ++unfinished;
            std::cout << to_string(r.outcome) << ": " << server_text(r.reason) << '\n';
          }
          std::cout << results.size() << " charge(s) resumed\n";
          // What the store still holds unfinished (a charge that could not go on: a busy
          // terminal's lease, a store conflict, no usable reply) is the truth, not the results.
          auto [ec2, left] = run_store<std::vector<paystack::charge_record>>(
              ioc, [&](auto h) { store->async_list({.unfinished_only = true}, std::move(h)); });
          if (!ec2 && !left.empty()) {
            std::cout << left.size() << " charge(s) still unfinished:";
            for (auto& rec : left) std::cout << ' ' << rec.key;
            std::cout << '\n';
            unfinished = std::max<unsigned>(unfinished, static_cast<unsigned>(left.size()));
          }
          code = interrupted ? exit_interrupted : (unfinished != 0 ? exit_network : exit_ok);
        }
        return code;
      });
}

int reconcile_charges(context& ctx, const args& a) {
  return with_store_client(
      ctx, a.store, false,
      [&](boost::asio::io_context& ioc, const paystack::terminal_client& client,
          const std::shared_ptr<paystack::charge_store>& store) {
        int code = exit_ok;
        bool interrupted = false;
        auto [ec, report] = run_cancellable<paystack::reconcile_report>(
            ioc,
            [&](auto h) { paystack::async_reconcile_charges(client, store, {}, std::move(h)); },
            interrupted);
        if (ec) return store_failed(ec);
        unsigned errors = 0;
        json::array arr;
        for (auto& e : report.entries) {
          if (e.ec) ++errors;
          if (ctx.opts.json) {
            arr.push_back(json::object{{"key", e.key},
                                       {"outcome", std::string(paystack::to_string(e.outcome))},
                                       {"open", e.open},
                                       {"action", e.action}});
          } else {
            std::cout << e.key << "  " << to_string(e.outcome) << (e.open ? " (open)" : "") << "  "
                      << server_text(e.action) << '\n';
          }
        }
        if (ctx.opts.json) {
          std::cout << json::serialize(json::object{{"charges", std::move(arr)},
                                                    {"paid", report.paid},
                                                    {"closed", report.closed},
                                                    {"still_open", report.still_open},
                                                    {"swept", report.swept}})
                    << '\n';
        } else {
          std::cout << report.entries.size() << " open charge(s): " << report.paid << " paid ("
                    << report.swept << " found by the transaction sweep), " << report.closed
                    << " closed, " << report.still_open << " still open\n";
        }
        code = interrupted ? exit_interrupted : (errors != 0 ? exit_network : exit_ok);
        return code;
      },
      paystack::call_priority::housekeeping);  // the sweep never delays a sale's calls
}

int cancel_charge(context& ctx, const args& a) {
  return with_store_client(
      ctx, a.store, false,
      [&](boost::asio::io_context& ioc, const paystack::terminal_client& client,
          const std::shared_ptr<paystack::charge_store>& store) {
        bool interrupted = false;
        auto [ec, r] = run_cancellable<paystack::cancel_result>(
            ioc, [&](auto h) { paystack::async_cancel_charge(client, store, a.key, std::move(h)); },
            interrupted);
        const std::string outcome =
            r.outcome ? std::string(paystack::to_string(*r.outcome)) : std::string("none");
        if (ctx.opts.json) {
          std::cout << json::serialize(json::object{
                           {"key", r.key},
                           {"cancelled", r.cancelled},
                           {"archived", r.archived},
                           {"outcome", outcome},
                           {"request_code", opt_json(r.request_code)},
                           {"action", r.action},
                           {"error", ec ? json::value(ec.message()) : json::value(nullptr)}})
                    << '\n';
        } else {
          std::cout << (r.cancelled ? "CANCELLED" : "NOT CANCELLED") << ": " << a.key << "  "
                    << server_text(r.action) << '\n';
        }
        int code = r.cancelled ? exit_ok : exit_api;
        if (interrupted)
          code = exit_interrupted;
        else if (ec == paystack::error::store_failed || ec == paystack::error::store_conflict)
          code = store_failed(ec);
        else if (ec && ec != paystack::error::invalid_argument)
          code = exit_network;
        return code;
      });
}

}  // namespace

void add_charges_command(CLI::App& app, context& ctx) {
  auto* charges = app.add_subcommand(
      "charges",
      "The charges a store holds (--key --store): list, show, resume, reconcile, cancel");
  charges->require_subcommand(1);
  charges->footer(
      "Exit codes: 0 ok, 1 unknown key (show, cancel), a resumed charge not paid or a paid charge\n"
      "not cancelled, 2 usage or the store cannot be used, 3 a charge could not be finished,\n"
      "checked or archived (network), 130 interrupted.\n"
      "See doc/charges.md.");
  auto a = std::make_shared<args>();

  auto* list = charges->add_subcommand(
      "list",
      "List the charges, oldest first, a page at a time: `more charges: --after KEY` ends a page "
      "with more after it");
  add_store_option(*list, a->store)->required();
  list->add_flag("--open", a->open_only, "only finished charges still open for a late payment");
  list->add_option("--limit", a->limit, "at most N charges (default 1000)")
      ->check(integer_in(1, 9999));
  list->add_option("--after", a->after,
                   "start after the charge of this key (the KEY of `more charges: --after KEY`)");
  list->callback([&ctx, a] { ctx.action = [&ctx, a] { return list_charges(ctx, *a); }; });

  auto* show = charges->add_subcommand("show", "Show one charge and its journal");
  show->add_option("KEY", a->key, "the charge key")->required();
  add_store_option(*show, a->store)->required();
  show->callback([&ctx, a] { ctx.action = [&ctx, a] { return show_charge(ctx, *a); }; });

  auto* resume = charges->add_subcommand(
      "resume", "Continue an unfinished charge (KEY) or all of them (--all) from the last record");
  resume->add_option("KEY", a->key, "the charge key");
  resume->add_flag("--all", a->all, "every unfinished charge, oldest first");
  add_wait_for_terminal_flag(*resume, a->wait_for_terminal);
  add_store_option(*resume, a->store)->required();
  resume->callback([&ctx, a] {
    if (a->all == !a->key.empty()) throw CLI::ValidationError("resume", "give either KEY or --all");
    ctx.action = [&ctx, a] { return resume_charges(ctx, *a); };
  });

  auto* reconcile = charges->add_subcommand(
      "reconcile", "Verify every open charge: record late payments, close the expired ones");
  add_store_option(*reconcile, a->store)->required();
  reconcile->callback([&ctx, a] { ctx.action = [&ctx, a] { return reconcile_charges(ctx, *a); }; });

  auto* cancel = charges->add_subcommand(
      "cancel", "Cancel a charge: archive its payment request once Verify says it is unpaid");
  cancel->add_option("KEY", a->key, "the charge key")->required();
  add_store_option(*cancel, a->store)->required();
  cancel->callback([&ctx, a] { ctx.action = [&ctx, a] { return cancel_charge(ctx, *a); }; });
}

}  // namespace cli
