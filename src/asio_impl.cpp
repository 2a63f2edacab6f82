// The one translation unit that compiles Asio, Asio.SSL and Beast (separate compilation).
// Every other file in the project sees their declarations only; see doc/adr/0002-async-model.md.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
