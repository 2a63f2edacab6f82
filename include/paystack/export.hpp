// What the shared library exports (doc/api-policy.md, "The shared library").
//
// The library is compiled with -fvisibility=hidden and -fvisibility-inlines-hidden and linked
// with a version script (cmake/libpaystack.map): a name is exported from libpaystack.so.0 only
// when it is declared between PAYSTACK_API_BEGIN and PAYSTACK_API_END (every public header puts
// its namespace paystack there) or marked PAYSTACK_EXPORT (the few private declarations the
// store libraries paystack::sqlite and paystack::postgresql call). Everything else, and every
// Asio, Beast or Boost function the library instantiates, stays inside it. With another compiler
// than GCC or Clang the macros are empty (a static library needs none of them).
#pragma once

#if defined(__GNUC__) || defined(__clang__)
/// Opens a region of declarations exported from the shared library.
#define PAYSTACK_API_BEGIN _Pragma("GCC visibility push(default)")
/// Closes the region PAYSTACK_API_BEGIN opened.
#define PAYSTACK_API_END _Pragma("GCC visibility pop")
/// Exports one declaration (a class or a function) declared outside such a region.
#define PAYSTACK_EXPORT __attribute__((visibility("default")))
#else
#define PAYSTACK_API_BEGIN
#define PAYSTACK_API_END
#define PAYSTACK_EXPORT
#endif
