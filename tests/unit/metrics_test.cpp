// The metrics registry and its text exposition format 0.0.4 (paystack/metrics.hpp,
// src/metrics/exposition.*): names, escaping, histogram buckets with +Inf, _sum and _count, the
// process metrics, the exchange feeding paystack_http_requests_total, and the tracing hooks.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <paystack/metrics.hpp>
#include <paystack/tracing.hpp>
#include <thread>

#include "metrics/exposition.hpp"

namespace {

using namespace paystack::metrics;

TEST(MetricsExposition, counter_and_gauge_have_help_type_and_one_line_per_series) {
  registry r;
  auto& c = r.add_counter("demo_requests_total", "Requests.", {"operation", "code"});
  c.with({"send_event", "200"}).inc();
  c.with({"send_event", "200"}).inc(2);
  c.with({"fetch_terminal", "error"}).inc();
  r.add_gauge("demo_in_flight", "In flight.").with().set(3);
  EXPECT_EQ(r.expose(),
            "# HELP demo_in_flight In flight.\n"
            "# TYPE demo_in_flight gauge\n"
            "demo_in_flight 3\n"
            "# HELP demo_requests_total Requests.\n"
            "# TYPE demo_requests_total counter\n"
            "demo_requests_total{operation=\"fetch_terminal\",code=\"error\"} 1\n"
            "demo_requests_total{operation=\"send_event\",code=\"200\"} 3\n");
}

TEST(MetricsExposition, label_values_and_help_are_escaped) {
  registry r;
  r.add_counter("demo_total", "Back\\slash and\nnew line.", {"v"})
      .with({"a\"quote\\back\nline"})
      .inc();
  const auto text = r.expose();
  EXPECT_NE(text.find("# HELP demo_total Back\\\\slash and\\nnew line.\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("demo_total{v=\"a\\\"quote\\\\back\\nline\"} 1\n"), std::string::npos)
      << text;
}

TEST(MetricsExposition, histogram_buckets_are_cumulative_with_inf_sum_and_count) {
  registry r;
  auto& h = r.add_histogram("demo_seconds", "Durations.", {"op"}, {0.125, 1, 2.5});
  auto& s = h.with({"x"});
  s.observe(0.0625);
  s.observe(0.125);  // a bound is inclusive (le)
  s.observe(0.75);
  s.observe(3);
  s.observe(100);
  EXPECT_EQ(r.expose(),
            "# HELP demo_seconds Durations.\n"
            "# TYPE demo_seconds histogram\n"
            "demo_seconds_bucket{op=\"x\",le=\"0.125\"} 2\n"
            "demo_seconds_bucket{op=\"x\",le=\"1\"} 3\n"
            "demo_seconds_bucket{op=\"x\",le=\"2.5\"} 3\n"
            "demo_seconds_bucket{op=\"x\",le=\"+Inf\"} 5\n"
            "demo_seconds_sum{op=\"x\"} 103.9375\n"
            "demo_seconds_count{op=\"x\"} 5\n");
  EXPECT_EQ(s.count(), 5u);
}

TEST(MetricsExposition, numbers_are_written_as_prometheus_reads_them) {
  std::string out;
  exposition::append_number(out, std::numeric_limits<double>::infinity());
  out += ' ';
  exposition::append_number(out, -std::numeric_limits<double>::infinity());
  out += ' ';
  exposition::append_number(out, std::nan(""));
  out += ' ';
  exposition::append_number(out, 0.005);
  out += ' ';
  exposition::append_number(out, 1234567);
  EXPECT_EQ(out, "+Inf -Inf NaN 0.005 1234567");
}

TEST(MetricsRegistry, names_labels_and_buckets_are_checked) {
  registry r;
  EXPECT_THROW(r.add_counter("1bad", "x"), std::invalid_argument);
  EXPECT_THROW(r.add_counter("bad-name", "x"), std::invalid_argument);
  EXPECT_THROW(r.add_counter("ok_total", "x", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(r.add_counter("ok_total", "x", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(r.add_histogram("h", "x", {"le"}, {1}), std::invalid_argument);
  EXPECT_THROW(r.add_histogram("h", "x", {}, {}), std::invalid_argument);
  EXPECT_THROW(r.add_histogram("h", "x", {}, {2, 1}), std::invalid_argument);
  auto& c = r.add_counter("ok_total", "x", {"a"});
  EXPECT_EQ(&c, &r.add_counter("ok_total", "x", {"a"}));  // the same family again
  EXPECT_THROW(r.add_gauge("ok_total", "x", {"a"}), std::invalid_argument);
  EXPECT_THROW(r.add_counter("ok_total", "x", {"b"}), std::invalid_argument);
  EXPECT_THROW(c.with({"1", "2"}), std::invalid_argument);
  c.with({"v"}).inc(-1);  // a counter never goes down
  EXPECT_EQ(c.with({"v"}).value(), 0);
}

TEST(MetricsRegistry, series_are_counted_exactly_from_many_threads) {
  registry r;
  auto& c = r.add_counter("threads_total", "x", {"t"});
  auto& h = r.add_histogram("threads_seconds", "x", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        c.with({t % 2 ? "odd" : "even"}).inc();
        h.with().observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.with({"odd"}).value() + c.with({"even"}).value(), 40000);
  EXPECT_EQ(h.with().count(), 40000u);
  EXPECT_EQ(h.with().sum(), 20000);
}

TEST(MetricsRegistry, the_default_registry_holds_the_process_metrics) {
  const auto text = scrape();
  for (const char* name :
       {"process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds"}) {
    const auto at = text.find(std::string("\n") + name + " ");
    ASSERT_NE(at, std::string::npos) << name << " missing:\n" << text;
    const double v = std::stod(text.substr(at + std::strlen(name) + 2));
    if (std::string_view(name) != "process_cpu_seconds_total") {
      EXPECT_GT(v, 0) << name;
    }
  }
}

/// A tracer that records what it was given.
struct recording_tracer : paystack::tracing::tracer {
  struct recorded : paystack::tracing::span {
    recording_tracer* owner;
    std::string name;
    explicit recorded(recording_tracer* o, std::string n) : owner(o), name(std::move(n)) {}
    void set_attribute(const paystack::tracing::attribute& a) override {
      owner->log += name + "." + std::string(a.key) + ";";
    }
    void end(bool ok) override { owner->log += name + (ok ? " ok;" : " error;"); }
  };
  std::string log;
  std::unique_ptr<paystack::tracing::span> start_span(
      std::string_view name, std::span<const paystack::tracing::attribute> attrs) override {
    log += "start " + std::string(name) + "(";
    for (const auto& a : attrs) log += std::string(a.key) + ",";
    log += ");";
    return std::make_unique<recorded>(this, std::string(name));
  }
};

TEST(Tracing, spans_go_to_the_tracer_set_and_nowhere_without_one) {
  using namespace paystack::tracing;
  EXPECT_FALSE(tracing_enabled());
  EXPECT_EQ(start_span("x", {}), nullptr);
  auto t = std::make_shared<recording_tracer>();
  set_tracer(t);
  EXPECT_TRUE(tracing_enabled());
  const attribute attrs[] = {{"operation", std::string_view("send_event")}};
  auto s = start_span("paystack.http.attempt", attrs);
  ASSERT_NE(s, nullptr);
  s->end(true);
  set_tracer(nullptr);
  EXPECT_FALSE(tracing_enabled());
  EXPECT_EQ(t->log, "start paystack.http.attempt(operation,);paystack.http.attempt ok;");
}

}  // namespace
