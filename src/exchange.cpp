#include "exchange.hpp"

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <vector>

#include "http/rate_budget.hpp"
#include "http/strand.hpp"
#include "metrics/library_metrics.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

namespace {

void log_attempt(core_shared& s, const http_request& req, unsigned attempt, clock::duration elapsed,
                 const boost::system::error_code& ec, const http_reply& reply, bool will_retry) {
  if (!s.logger) return;
  log_record rec;
  rec.method = to_string(req.method);
  rec.path = req.target;
  rec.status_code = reply.status_code;
  rec.attempt = attempt;
  rec.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
  rec.error = ec;
  rec.will_retry = will_retry;
  rec.operation = req.operation;
  try {
    s.logger(rec);
  } catch (...) {
    // A logger must not break the call it describes.
  }
}

/// Metrics and the trace of one attempt (paystack/metrics.hpp, paystack/tracing.hpp).
void observe_attempt(const http_request& req, clock::duration elapsed,
                     const boost::system::error_code& ec, const http_reply& reply,
                     std::unique_ptr<tracing::span> span) {
  // The rate budget's own 429 sent nothing: it is no attempt at Paystack.
  const bool sent = !(reply.status_code == 429 && reply.error_detail == budget_exhausted_message);
  library_metrics::http_attempt(req.operation, reply.status_code, sent,
                                std::chrono::duration<double>(elapsed).count());
  if (!span) return;
  try {
    if (reply.status_code != 0)
      span->set_attribute({"http.status_code", std::int64_t{reply.status_code}});
    if (ec) span->set_attribute({"error", std::string_view(ec.message())});
    span->end(!ec && reply.status_code < 500);
  } catch (...) {
    // A tracer must not break the call it traces.
  }
}

}  // namespace

exchange_op::exchange_op(const client_core& core, http_request request, retry_class cls)
    : shared_(core.shared_ptr()),
      request_(std::move(request)),
      cls_(cls),
      policy_(core.retry()),
      timeout_(core.timeout()) {}

void exchange_op::start(std::shared_ptr<exchange_op> op, asio::cancellation_slot caller_slot) {
  op->caller_slot_ = caller_slot;
  if (caller_slot.is_connected()) {
    // The caller's signal may be emitted from any thread: stop() runs on the strand.
    caller_slot.assign([weak = std::weak_ptr<exchange_op>(op),
                        strand = op->shared_->strand](asio::cancellation_type type) {
      // Seen at once by an attempt that has not started yet (nothing is sent).
      if (auto o = weak.lock(); o && type != asio::cancellation_type::none)
        o->cancel_requested_.store(true, std::memory_order_relaxed);
      asio::post(strand, [weak, type] {
        if (auto o = weak.lock()) o->stop(type);
      });
    });
  }
  auto& strand = op->shared_->strand;
  asio::post(strand, [op = std::move(op)] { op->begin(); });
}

void exchange_op::begin() {
  shared_->in_flight.push_back(*this);
  t0_ = shared_->time->now();
  deadline_ = t0_ + timeout_;
  attempt();
}

void exchange_op::stop(asio::cancellation_type type) {
  if (type == asio::cancellation_type::none || done_) return;
  cancelled_ = true;
  stop_.emit(type);
}

void exchange_op::attempt() {
  if (cancel_requested_.load(std::memory_order_relaxed)) cancelled_ = true;
  if (cancelled_) {  // attempts stays the number of attempts made
    reply_.error_detail = "cancelled before sending";
    return finish(asio::error::operation_aborted);
  }
  if (++attempt_ > 1) t0_ = shared_->time->now();
  if (tracing::tracing_enabled()) {
    const tracing::attribute attrs[] = {{"operation", request_.operation},
                                        {"http.method", to_string(request_.method)},
                                        {"attempt", std::int64_t{attempt_}}};
    span_ = tracing::start_span("paystack.http.attempt", attrs);
  }
  with_strand(shared_->strand, [this](const auto& strand) {
    shared_->transport->async_send(
        request_, deadline_,
        asio::bind_cancellation_slot(
            stop_.slot(),
            asio::bind_executor(strand, [self = shared_from_this()](boost::system::error_code ec,
                                                                    http_reply reply) mutable {
              self->on_reply(ec, std::move(reply));
            })));
  });
}

void exchange_op::on_reply(boost::system::error_code ec, http_reply reply) {
  if (cancelled_) ec = asio::error::operation_aborted;
  auto& s = *shared_;
  const auto now = s.time->now();
  // The wall clock only matters for a Retry-After date or an x-ratelimit-reset timestamp.
  const bool dated =
      !reply.header("retry-after").empty() || !reply.header("x-ratelimit-reset").empty();
  const auto wall =
      dated ? std::chrono::system_clock::now() : std::chrono::system_clock::time_point{};
  const auto d = decide_retry(cls_, policy_, attempt_, ec, reply, now, deadline_, wall,
                              static_cast<std::uint32_t>(s.rng()));
  log_attempt(s, request_, attempt_, now - t0_, ec, reply, d.retry);
  observe_attempt(request_, now - t0_, ec, reply, std::move(span_));
  reply_ = std::move(reply);
  if (!d.retry) return finish(ec);
  s.time->async_sleep(
      s.strand, d.delay,
      asio::bind_cancellation_slot(
          stop_.slot(), asio::bind_executor(s.strand, [self = shared_from_this()](
                                                          boost::system::error_code sleep_ec) {
            self->on_slept(sleep_ec);
          })));
}

void exchange_op::on_slept(boost::system::error_code ec) {
  if (ec || cancelled_) {
    reply_.error_detail = "cancelled while waiting to retry";
    return finish(asio::error::operation_aborted);
  }
  attempt();
}

void exchange_op::finish(boost::system::error_code ec) {
  done_ = true;
  unlink();
  exchange_result out;
  out.ec = ec;
  out.reply = std::move(reply_);
  out.attempts = attempt_;
  deliver(std::move(out), caller_slot_);
}

namespace {

class steady_time_source final : public time_source {
 public:
  std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::now(); }

  void async_sleep(asio::any_io_executor ex, std::chrono::milliseconds d,
                   sleep_handler handler) override {
    auto timer = std::make_shared<asio::steady_timer>(std::move(ex), d);
    auto slot = asio::get_associated_cancellation_slot(handler);
    timer->async_wait(asio::bind_cancellation_slot(
        slot, [timer, h = std::move(handler)](boost::system::error_code ec) mutable {
          std::move(h)(ec);
        }));
  }
};

}  // namespace

client_handle::~client_handle() {
  if (!shared) return;
  try {
    asio::dispatch(shared->strand, [s = shared] {
      std::vector<in_flight_exchange*> calls;
      for (auto& call : s->in_flight) calls.push_back(&call);
      for (auto* call : calls) call->stop(asio::cancellation_type::terminal);
    });
  } catch (...) {
    // Best effort: a destructor must not throw.
  }
  if (shared->owns_transport && shared->transport) shared->transport->shutdown();
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack

std::shared_ptr<paystack::time_source> paystack::make_steady_time_source() {
  return std::make_shared<detail::steady_time_source>();
}
