// The application's own compiled Asio, as Asio's documentation suggests for separate
// compilation: this file, and BOOST_ASIO_SEPARATE_COMPILATION on every file of the program.
// libpaystack holds no Asio symbol of its own, so the program links (issue 23, proof a).
#include <boost/asio/impl/src.hpp>
