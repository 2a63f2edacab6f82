#include "loopback_server.hpp"

#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <thread>

namespace paystack::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct loopback_server::impl {
  struct conn {
    tcp::socket socket;
    std::atomic<bool> idle{false};
    explicit conn(tcp::socket s) : socket(std::move(s)) {}
  };

  script script_;
  bool tls_;
  asio::io_context io_;
  asio::ssl::context ctx_{asio::ssl::context::tls_server};
  tcp::acceptor acceptor_{io_};
  std::thread accept_thread_;
  mutable std::mutex m_;
  mutable std::condition_variable cv_;
  std::list<std::shared_ptr<conn>> conns_;
  std::vector<std::thread> threads_;
  std::vector<served_request> seen_;
  std::size_t total_connections_ = 0;
  std::size_t open_ = 0;
  bool stopping_ = false;
  bool released_ = false;

  impl(script s, bool tls, const std::string& certificate) : script_(std::move(s)), tls_(tls) {
    if (tls_) {
      const std::string base = std::string(PAYSTACK_TEST_DATA_DIR) + "/" + certificate;
      ctx_.use_certificate_chain_file(base + ".pem");
      ctx_.use_private_key_file(base + ".key", asio::ssl::context::pem);
    }
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~impl() {
    {
      std::lock_guard lock(m_);
      stopping_ = true;
      for (auto& c : conns_) {
        boost::system::error_code ec;
        c->socket.shutdown(tcp::socket::shutdown_both, ec);
      }
    }
    cv_.notify_all();
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    accept_thread_.join();
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(m_);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }

  void accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket s(io_);
      acceptor_.accept(s, ec);
      std::lock_guard lock(m_);
      if (ec || stopping_) return;
      auto c = std::make_shared<conn>(std::move(s));
      conns_.push_back(c);
      ++total_connections_;
      ++open_;
      const std::size_t index = total_connections_;
      threads_.emplace_back([this, c, index] { serve(c, index); });
    }
  }

  template <class Stream>
  void serve_stream(Stream& stream, conn& c, std::size_t index) {
    beast::flat_buffer buffer;
    for (;;) {
      c.idle = true;
      http::request<http::string_body> req;
      boost::system::error_code ec;
      http::read(stream, buffer, req, ec);
      c.idle = false;
      if (ec) return;
      served_request sr;
      sr.method = std::string(req.method_string());
      sr.target = std::string(req.target());
      sr.body = req.body();
      for (const auto& f : req)
        sr.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      sr.connection = index;
      scripted_answer a = script_(sr);
      {
        std::lock_guard lock(m_);
        seen_.push_back(std::move(sr));
      }
      cv_.notify_all();
      if (a.what == scripted_answer::kind::close) return;
      if (a.what == scripted_answer::kind::stall) {
        std::unique_lock lock(m_);
        cv_.wait(lock, [&] { return stopping_ || released_; });
        if (stopping_) return;
      }
      http::response<http::string_body> res{static_cast<http::status>(a.status), 11};
      res.set(http::field::content_type, "application/json");
      for (const auto& [k, v] : a.headers) res.set(k, v);
      res.body() = a.body;
      res.keep_alive(a.keep_alive && req.keep_alive());
      res.prepare_payload();
      // Idle from the client's point of view as soon as it can have the whole reply.
      if (res.keep_alive()) c.idle = true;
      if (a.what == scripted_answer::kind::trickle) {
        http::response_serializer<http::string_body> sr2(res);
        std::string wire;
        sr2.split(false);
        while (!sr2.is_done()) {
          sr2.next(ec, [&](boost::system::error_code&, const auto& buffers) {
            for (auto b : beast::buffers_range_ref(buffers))
              wire.append(static_cast<const char*>(b.data()), b.size());
            sr2.consume(beast::buffer_bytes(buffers));
          });
        }
        for (char ch : wire) {
          {
            std::unique_lock lock(m_);
            if (cv_.wait_for(lock, a.trickle_gap, [&] { return stopping_; })) return;
          }
          asio::write(stream, asio::buffer(&ch, 1), ec);
          if (ec) return;
        }
      } else {
        http::write(stream, res, ec);
        if (ec) return;
      }
      if (!res.keep_alive()) return;
    }
  }

  void serve(std::shared_ptr<conn> c, std::size_t index) {
    if (tls_) {
      asio::ssl::stream<tcp::socket&> stream(c->socket, ctx_);
      boost::system::error_code ec;
      stream.handshake(asio::ssl::stream_base::server, ec);
      if (!ec) serve_stream(stream, *c, index);
    } else {
      serve_stream(c->socket, *c, index);
    }
    std::lock_guard lock(m_);
    boost::system::error_code ec;
    c->socket.shutdown(tcp::socket::shutdown_both, ec);
    c->socket.close(ec);
    conns_.remove(c);
    --open_;
    cv_.notify_all();
  }
};

loopback_server::loopback_server(script s, bool tls, const std::string& certificate)
    : impl_(std::make_unique<impl>(std::move(s), tls, certificate)) {}
loopback_server::~loopback_server() = default;

std::uint16_t loopback_server::port() const {
  return impl_->acceptor_.local_endpoint().port();
}

std::string loopback_server::base_url(const std::string& host) const {
  return std::string(impl_->tls_ ? "https://" : "http://") + host + ":" + std::to_string(port());
}

std::size_t loopback_server::connections() const {
  std::lock_guard lock(impl_->m_);
  return impl_->total_connections_;
}

std::size_t loopback_server::requests() const {
  std::lock_guard lock(impl_->m_);
  return impl_->seen_.size();
}

std::vector<served_request> loopback_server::seen() const {
  std::lock_guard lock(impl_->m_);
  return impl_->seen_;
}

bool loopback_server::wait_for_requests(std::size_t n) const {
  std::unique_lock lock(impl_->m_);
  return impl_->cv_.wait_for(lock, std::chrono::seconds(10),
                             [&] { return impl_->seen_.size() >= n; });
}

bool loopback_server::wait_for_no_connections() const {
  std::unique_lock lock(impl_->m_);
  return impl_->cv_.wait_for(lock, std::chrono::seconds(10), [&] { return impl_->open_ == 0; });
}

void loopback_server::close_idle_connections() {
  std::lock_guard lock(impl_->m_);
  for (auto& c : impl_->conns_) {
    if (c->idle) {
      boost::system::error_code ec;
      c->socket.shutdown(tcp::socket::shutdown_both, ec);
    }
  }
}

void loopback_server::release_stalled() {
  {
    std::lock_guard lock(impl_->m_);
    impl_->released_ = true;
  }
  impl_->cv_.notify_all();
}

}  // namespace paystack::test
