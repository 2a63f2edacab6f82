#!/usr/bin/env bash
# Proves that scripts/check-abi.sh can fail (ctest package.abi_check_catches_a_planted_change):
# builds the fixture library of tests/package/abi_fixture/ in several versions from one source,
# makes a baseline from v1 and checks each version against it.
#   abi_fixture_check.sh SRC_DIR WORK_DIR
# SRC_DIR is tests/package/abi_fixture; everything is written under WORK_DIR/abi_fixture.
# Versions (all with -g, hidden visibility and the export macro, like libpaystack):
#   v1: the baseline, SONAME libabifixture.so.0           -> check passes, no change
#   v2: options gains a member before the others, .so.0   -> check FAILS (exit 1), names options
#   v3: the same change with SONAME libabifixture.so.1    -> check passes, says the SONAME changed
#   v4: v1 plus a function twice(int), .so.0              -> check passes, a compatible addition
#   v5: only counter's private impl (in the .cpp) changes -> check passes with --headers, and
#       fails without it (why check-abi.sh is given the public headers)
# and: v1 built with -g1 is refused (exit 2); the baseline made from another build folder is
# byte-identical; v1 built from a copy of the sources elsewhere matches the baseline.
set -euo pipefail
src=$(cd "$1" && pwd)
work="$2/abi_fixture"
check_abi="$(cd "$(dirname "$0")/../../scripts" && pwd)/check-abi.sh"
rm -rf "$work"
mkdir -p "$work"

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# build DIR SRC SONAME FLAGS...: the fixture library DIR/libabifixture.so, compiled in DIR.
build() {
  local dir="$1" from="$2" soname="$3"
  shift 3
  mkdir -p "$dir"
  (cd "$dir" && nice -n 19 g++ -std=c++20 -fPIC -shared -fvisibility=hidden \
    -fvisibility-inlines-hidden -I"$from/include" "$@" -Wl,-soname,"$soname" \
    -o libabifixture.so "$from/abifixture.cpp")
}

# run_check NAME LIB: check-abi.sh check against the baseline; output in $work/NAME.out,
# exit status in $rc.
run_check() {
  rc=0
  bash "$check_abi" check "$2" "$work/baseline.abi" --headers "$src/include" >"$work/$1.out" 2>&1 ||
    rc=$?
  echo "--- $1: check-abi.sh check exited $rc"
  cat "$work/$1.out"
}

build "$work/v1" "$src" libabifixture.so.0 -g
build "$work/v2" "$src" libabifixture.so.0 -g -DABIFIXTURE_PLANTED_CHANGE
build "$work/v3" "$src" libabifixture.so.1 -g -DABIFIXTURE_PLANTED_CHANGE
build "$work/v4" "$src" libabifixture.so.0 -g -DABIFIXTURE_ADDED_FUNCTION
build "$work/v5" "$src" libabifixture.so.0 -g -DABIFIXTURE_PRIVATE_CHANGE
build "$work/v1-g1" "$src" libabifixture.so.0 -g1
build "$work/another/build/folder" "$src" libabifixture.so.0 -g
cp -r "$src" "$work/sources-elsewhere"
build "$work/v1-elsewhere" "$work/sources-elsewhere" libabifixture.so.0 -g

bash "$check_abi" update "$work/v1/libabifixture.so" "$work/baseline.abi" --headers "$src/include"

run_check v1 "$work/v1/libabifixture.so"
[ "$rc" -eq 0 ] || fail "v1 against its own baseline exited $rc, not 0"
grep -q 'no ABI change' "$work/v1.out" || fail "v1: no 'no ABI change'"

run_check v2 "$work/v2/libabifixture.so"
[ "$rc" -eq 1 ] || fail "v2 (planted incompatible change, same SONAME) exited $rc, not 1"
grep -q "struct abifixture::v0::options" "$work/v2.out" || fail "v2: the report does not name struct abifixture::v0::options"
grep -q "'int retries', at offset 0" "$work/v2.out" || fail "v2: the report does not name the inserted member"
grep -qE "abifixture::v0::(describe|total)\(" "$work/v2.out" || fail "v2: the report names no changed function"

run_check v3 "$work/v3/libabifixture.so"
[ "$rc" -eq 0 ] || fail "v3 (the change with SONAME libabifixture.so.1) exited $rc, not 0"
grep -q "the SONAME changed from 'libabifixture.so.0' to 'libabifixture.so.1'" "$work/v3.out" ||
  fail "v3: does not say the SONAME changed"

run_check v4 "$work/v4/libabifixture.so"
[ "$rc" -eq 0 ] || fail "v4 (an added function) exited $rc, not 0"
grep -q "abifixture::v0::twice(int)" "$work/v4.out" || fail "v4: the report does not name twice(int)"
grep -q "compatible ABI change (additions only)" "$work/v4.out" || fail "v4: no note that it is compatible"

run_check v5 "$work/v5/libabifixture.so"
[ "$rc" -eq 0 ] || fail "v5 (a change of a private impl) exited $rc with --headers, not 0"
grep -q 'no ABI change' "$work/v5.out" || fail "v5: no 'no ABI change' with --headers"
rc=0
bash "$check_abi" update "$work/v1/libabifixture.so" "$work/baseline-all-types.abi" >/dev/null
bash "$check_abi" check "$work/v5/libabifixture.so" "$work/baseline-all-types.abi" \
  >"$work/v5-all-types.out" 2>&1 || rc=$?
echo "--- v5 without --headers: check-abi.sh check exited $rc (counter::impl counts then)"
[ "$rc" -eq 1 ] || fail "v5 without --headers exited $rc, not 1"
grep -q "struct abifixture::v0::counter::impl" "$work/v5-all-types.out" ||
  fail "v5 without --headers: the report does not name counter::impl"

run_check v1-g1 "$work/v1-g1/libabifixture.so"
[ "$rc" -eq 2 ] || fail "v1 built with -g1 exited $rc, not 2 (refused)"

bash "$check_abi" update "$work/another/build/folder/libabifixture.so" "$work/baseline-again.abi" \
  --headers "$src/include"
if cmp "$work/baseline.abi" "$work/baseline-again.abi"; then
  echo "--- the baseline made in another build folder is byte-identical"
else
  fail "the baseline depends on the build folder"
fi
if grep -qF -e "$work" -e "$src" "$work/baseline.abi"; then
  fail "the baseline names a folder of this machine"
fi

rc=0
bash "$check_abi" check "$work/v1-elsewhere/libabifixture.so" "$work/baseline.abi" \
  --headers "$work/sources-elsewhere/include" >"$work/elsewhere.out" 2>&1 || rc=$?
echo "--- v1 built from a copy of the sources elsewhere: exited $rc"
cat "$work/elsewhere.out"
if [ "$rc" -ne 0 ] || ! grep -q 'no ABI change' "$work/elsewhere.out"; then
  fail "v1 built from sources at another path does not match the baseline"
fi

if [ "$failures" -ne 0 ]; then
  echo "abi_fixture_check: $failures failure(s)" >&2
  exit 1
fi
echo "abi_fixture_check: all passed (v1 no change, v2 fails, v3 SONAME change passes, v4 addition passes, v5 private change passes, -g1 refused, baseline stable)"
