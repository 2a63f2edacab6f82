#!/usr/bin/env bash
# What libpaystack.so.0 exports (issue 23): its SONAME is libpaystack.so.<major>, and every
# symbol it defines in its dynamic table is a paystack:: name (or its vtable, type_info, thunk,
# guard variable), besides the version node of cmake/libpaystack.map and the Boost data a process
# must hold once (src/boost_shared_state.hpp: Asio's per-thread call stacks, the error
# categories' objects). No Asio, Beast, Boost or std function: a program keeps its own Asio.
#   exports_check.sh LIBPAYSTACK_SO
set -euo pipefail
lib="$1"
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
echo "SONAME: $soname"
case "$soname" in libpaystack.so.[0-9]*) ;; *) echo "$lib: SONAME '$soname' is not libpaystack.so.N" >&2; exit 1 ;; esac
defined=$(nm -D --defined-only -C "$lib" | cut -d' ' -f3- | sed -E 's/@@?PAYSTACK_[0-9]+$//')
total=$(wc -l <<<"$defined")
others=$(grep -vE '^((typeinfo( name)?|vtable|VTT|construction vtable|guard variable|(non-)?virtual thunk) (for|to) )?paystack::' <<<"$defined" |
  grep -vE '^PAYSTACK_[0-9]+$' |
  grep -vE '^boost::asio::detail::(keyword_tss_ptr<.*>::value_|call_stack<.*>::top_)$' |
  grep -vE '^(guard variable for )?(boost::asio::.*category\(\)::instance|boost::beast::.*make_error_co(de|ndition)\(.*\)::cat)$' || true)
boost_data=$(grep -c '^\(guard variable for \)\?boost::' <<<"$defined" || true)
echo "$total exported symbols ($boost_data of them Boost data a process holds once)"
if [ -n "$others" ]; then
  echo "$lib exports symbols outside namespace paystack:" >&2
  head -n 20 <<<"$others" >&2
  exit 1
fi
if ! grep -q '^paystack::v0::terminal_client::' <<<"$defined"; then
  echo "$lib does not export paystack::v0::terminal_client" >&2
  exit 1
fi
echo "every exported symbol is in namespace paystack, or Boost data a process holds once"
