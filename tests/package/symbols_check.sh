#!/usr/bin/env bash
# Every symbol the libraries define in namespace paystack is in the versioned inline namespace
# paystack::v0 (doc/api-policy.md), and every public header opens it: a program built against
# another ABI version cannot link against these libraries silently (ctest
# package.symbols_are_versioned).
#   symbols_check.sh INCLUDE_DIR LIBRARY...
set -euo pipefail
include_dir="$1"
shift
status=0
# The headers: `namespace paystack {` is always followed by `inline namespace v0 {`;
# `namespace paystack::detail {` (which would skip it) is never written; and it is opened between
# PAYSTACK_API_BEGIN and PAYSTACK_API_END (paystack/export.hpp), so that the shared library
# exports what it declares.
bad=$(find "$include_dir" -name '*.hpp' -exec awk '
  FNR == 1 { api = 0 }
  /^PAYSTACK_API_BEGIN$/ { api = 1 }
  /^PAYSTACK_API_END$/ { api = 0 }
  $0 == "namespace paystack {" && !api { print FILENAME ":" FNR ": namespace paystack outside PAYSTACK_API_BEGIN/PAYSTACK_API_END" }
  open && $0 != "inline namespace v0 {" { print FILENAME ":" FNR ": namespace paystack without inline namespace v0" }
  { open = ($0 == "namespace paystack {") }
  /^namespace paystack::/ { print FILENAME ":" FNR ": " $0 " skips inline namespace v0" }' {} +)
if [ -n "$bad" ]; then
  echo "$bad" >&2
  status=1
fi
for lib in "$@"; do
  # Defined symbols, demangled; every paystack:: name they mention, in any position.
  names=$(nm --defined-only -C "$lib" | grep -oE 'paystack::[A-Za-z_0-9]+' | sort | uniq -c)
  versioned=$(nm --defined-only "$lib" | grep -c '8paystack2v0' || true)
  echo "$(basename "$lib"): $versioned defined symbols mangled with 8paystack2v0; names: $(tr -s ' \n' ' ' <<<"$names")"
  if [ "$versioned" -eq 0 ]; then
    echo "$lib: no symbol in paystack::v0" >&2
    status=1
  fi
  if grep -v ' paystack::v0$' <<<"$names" | grep -q .; then
    echo "$lib: symbols in paystack outside paystack::v0:" >&2
    nm --defined-only -C "$lib" | grep -E 'paystack::' | grep -vE 'paystack::v0' | head -n 20 >&2
    status=1
  fi
done
exit "$status"
