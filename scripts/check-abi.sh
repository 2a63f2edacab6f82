#!/usr/bin/env bash
# The ABI check of a shared library against a committed baseline (doc/api-policy.md, issue 23).
#   check-abi.sh check  LIB.so BASELINE.abi [--headers DIR]
#   check-abi.sh update LIB.so BASELINE.abi [--headers DIR]
# `update` writes BASELINE.abi: abidw's description of LIB (abigail-tools). `check` describes LIB
# the same way and compares it with abidiff against BASELINE.abi:
#   - no change: pass (exit 0);
#   - only additions (new functions or variables): pass (exit 0), with a note that `update`
#     records them;
#   - any other change (removed or changed function, variable or type; abidiff exits 12, or 4
#     for a change it leaves to a human such as a struct's layout): fail (exit 1), unless the
#     SONAME of LIB differs from the baseline's (`soname=` of abi-corpus): then the change is
#     allowed, the baseline must be regenerated with `update`, and the check passes (exit 0);
#   - a tool error, a missing file or a library without usable debug information: exit 2.
# abidiff's report is printed on any change. With --headers DIR (--headers-dir is accepted too),
# only types defined in the headers under DIR count (abidw --headers-dir --drop-private-types).
# LIB must carry full DWARF (-g or -g2): with -g1 or none, abidw sees no types.
set -euo pipefail

usage() {
  echo "usage: check-abi.sh check|update LIB.so BASELINE.abi [--headers DIR]" >&2
  exit 2
}

[ $# -ge 3 ] || usage
mode="$1"
lib="$2"
baseline="$3"
shift 3
headers=""
while [ $# -gt 0 ]; do
  case "$1" in
    --headers | --headers-dir)
      [ $# -ge 2 ] || usage
      headers="$2"
      shift 2
      ;;
    *) usage ;;
  esac
done
case "$mode" in check | update) ;; *) usage ;; esac

for tool in abidw abidiff readelf; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check-abi: $tool not found (Debian: apt-get install abigail-tools binutils)" >&2
    exit 2
  fi
done
if [ ! -f "$lib" ]; then
  echo "check-abi: no such library: $lib" >&2
  exit 2
fi
if [ -n "$headers" ] && [ ! -d "$headers" ]; then
  echo "check-abi: no such headers directory: $headers" >&2
  exit 2
fi

# Without full DWARF, abidw describes symbols only (-g1 keeps functions but no types), and a
# changed struct goes unseen or is reported as every function losing its parameters.
# (The outputs are read whole before grep: grep -q on a pipe could end readelf with SIGPIPE.)
sections=$(readelf -S --wide "$lib")
if ! grep -q '\.debug_info' <<<"$sections"; then
  echo "check-abi: $lib has no debug information: build it with -g (e.g. RelWithDebInfo)" >&2
  exit 2
fi
producers=$(readelf --debug-dump=info --dwarf-depth=1 "$lib" 2>/dev/null | grep 'DW_AT_producer' || true)
# A compilation unit whose last debug level option is -g1 (or clang's -gline-tables-only).
shallow=$(awk '{ last = ""
  for (i = 1; i <= NF; i++) if ($i ~ /^-(g|g[0-3]|ggdb[0-3]?|gline-tables-only|gmlt)$/) last = $i
  if (last ~ /^-(g1|ggdb1|gline-tables-only|gmlt)$/) print }' <<<"$producers")
if [ -n "$shallow" ]; then
  echo "check-abi: $lib was compiled with -g1 (DW_AT_producer): abidw sees no types; build it with -g" >&2
  exit 2
fi

# abidw's options, so that the baseline describes the public ABI and nothing of the machine:
#   --no-corpus-path, --no-comp-dir-path, --short-locs: no path of the library, the build folder
#     or the sources (locations keep only file names and lines);
#   --drop-undefined-syms: the symbols LIB imports (libstdc++, Boost, OpenSSL) are not its ABI;
#   --type-id-style hash: type ids from the type, so that a change renumbers nothing else;
#   --headers-dir DIR --drop-private-types: only the types of the public headers.
abidw_opts=(--no-corpus-path --no-comp-dir-path --short-locs --drop-undefined-syms
  --type-id-style hash)
if [ -n "$headers" ]; then
  abidw_opts+=(--headers-dir "$headers" --drop-private-types)
fi

# The SONAME an ABI description records (the soname attribute of abi-corpus), or nothing.
soname_of() {
  sed -n "s/^<abi-corpus [^>]*soname='\([^']*\)'.*/\1/p" "$1" | head -n 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! abidw "${abidw_opts[@]}" --out-file "$work/current.abi" "$lib" 2>"$work/abidw.err"; then
  echo "check-abi: abidw failed on $lib:" >&2
  cat "$work/abidw.err" >&2
  exit 2
fi
current_soname=$(soname_of "$work/current.abi")

# A baseline named *.xz is kept compressed (libpaystack's description is about 40 MB of XML,
# 1 MB compressed): written with xz, read through a decompressed copy.
if [ "$mode" = update ]; then
  mkdir -p "$(dirname "$baseline")"
  case "$baseline" in
    *.xz) xz -9 -c "$work/current.abi" >"$baseline.tmp" ;;
    *) cp "$work/current.abi" "$baseline.tmp" ;;
  esac
  mv "$baseline.tmp" "$baseline"
  functions=$(grep -c '<function-decl .*elf-symbol-id=' "$work/current.abi" || true)
  echo "check-abi: wrote $baseline (SONAME ${current_soname:-none}, $functions exported functions described)"
  exit 0
fi

if [ ! -f "$baseline" ]; then
  echo "check-abi: no baseline $baseline: write it with check-abi.sh update" >&2
  exit 2
fi
baseline_file="$baseline"
case "$baseline" in
  *.xz)
    baseline_file="$work/baseline.abi"
    xz -dc "$baseline" >"$baseline_file" || { echo "check-abi: cannot decompress $baseline" >&2; exit 2; }
    ;;
esac
baseline_soname=$(soname_of "$baseline_file")

status=0
abidiff "$baseline_file" "$work/current.abi" >"$work/report" 2>&1 || status=$?
if [ $((status & 3)) -ne 0 ]; then
  echo "check-abi: abidiff failed (exit $status):" >&2
  cat "$work/report" >&2
  exit 2
fi
if [ "$status" -eq 0 ]; then
  echo "check-abi: $(basename "$lib") matches $baseline (SONAME ${current_soname:-none}): no ABI change"
  exit 0
fi

echo "check-abi: abidiff $baseline against $(basename "$lib") (exit $status):"
cat "$work/report"

if [ "$baseline_soname" != "$current_soname" ]; then
  echo "check-abi: the SONAME changed from '${baseline_soname}' to '${current_soname}': an incompatible change is allowed; the baseline must be regenerated (check-abi.sh update)"
  exit 0
fi

# abidiff sets bit 8 for the changes it knows are incompatible (a removed function or variable)
# and only bit 4 for a harmful change it leaves to a human (a struct's layout, a parameter's
# type). Additions are the only changes that pass: run it again without them.
if [ $((status & 8)) -eq 0 ]; then
  again=0
  abidiff --no-added-syms "$baseline_file" "$work/current.abi" >/dev/null 2>&1 || again=$?
  if [ $((again & 3)) -ne 0 ]; then
    echo "check-abi: abidiff --no-added-syms failed (exit $again)" >&2
    exit 2
  fi
  if [ "$again" -eq 0 ]; then
    echo "check-abi: compatible ABI change (additions only) with the same SONAME '${current_soname}': passes; check-abi.sh update records it in the baseline"
    exit 0
  fi
fi
echo "check-abi: FAIL: incompatible ABI change with the same SONAME '${current_soname}' (see the report above): undo it, or make it with a new SONAME (doc/api-policy.md)" >&2
exit 1
