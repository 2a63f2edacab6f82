// The Conan test package: builds a paystack::terminal_client on an io_context (nothing is sent)
// and prints the library's version.
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <paystack/terminal_client.hpp>
#include <paystack/version.hpp>

int main() {
  boost::asio::io_context io;
  paystack::client_options options;
  options.secret_key = "sk_test_conan_test_package";
  paystack::terminal_client client(io.get_executor(), options);
  std::cout << "paystack " << PAYSTACK_VERSION_STRING << ", client for " << client.base_url()
            << '\n';
  return 0;
}
