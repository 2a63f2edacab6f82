#!/usr/bin/env bash
# Builds the Debian packages (CPack, the `package` preset), checks them with lintian, and
# proves them where a user would install them (tests/package/consumers.sh: find_package and
# pkg-config consumers, one with its own compiled Asio, against the installed libpaystack.so.0
# and paystack-sim, `paystack-terminal demo`, the man pages; then the store libraries):
#
#   bash scripts/check-package.sh            # in a clean Debian 12 root (debootstrap, cached)
#   bash scripts/check-package.sh --host     # on this machine (apt-get install of the .debs)
#   bash scripts/check-package.sh --build    # packages and lintian only
#
# Needs root (debootstrap, chroot, dpkg). The clean root is made once by `debootstrap
# --variant=minbase bookworm` from the mirror of /etc/apt/sources.list* (override with
# PAYSTACK_DEBIAN_MIRROR), with the consumers' tools installed and the packages' dependencies
# downloaded, and kept in PAYSTACK_CHECK_ROOT (default /var/cache/paystack-check-root/base);
# every run works on a fresh copy of it, so the packages always install into a root that never
# saw them. Delete the folder to start over.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:---root}"
case "$mode" in --root | --host | --build) ;; *) echo "usage: $0 [--root|--host|--build]" >&2; exit 2 ;; esac
src="$PWD"
debs="$src/build/package/debs"

echo "== packages (cpack -G DEB, preset package)"
# The build also has the benchmarks (not installed, so not packaged): scripts/test.sh runs them
# from it. With base_dir and no hashed directory, ccache entries serve other checkouts too.
export CCACHE_BASEDIR="$src" CCACHE_NOHASHDIR=1
cmake --preset package >/dev/null
# PACKAGE_NICE=N builds at a lower priority (scripts/test.sh: beside its background tests).
nice -n "${PACKAGE_NICE:-0}" cmake --build --preset package
rm -rf "$debs"
(cd build/package && cpack -B "$debs" >/dev/null)
rm -rf "$debs/_CPack_Packages"
for deb in "$debs"/*.deb; do
  echo "$(basename "$deb"): $(dpkg-deb -f "$deb" Version), Depends: $(dpkg-deb -f "$deb" Depends)"
done
version=$(sed -n 's/^project(paystack VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
for deb in "$debs"/*.deb; do
  test "$(dpkg-deb -f "$deb" Version)" = "$version" || { echo "$deb: not version $version" >&2; exit 1; }
done

echo "== the shared library: SONAME, exports, ABI against abi/libpaystack.so.0.abi.xz"
lib=$(readlink -f build/package/src/libpaystack.so.0)
bash tests/package/exports_check.sh "$lib"
bash scripts/check-abi.sh check "$lib" abi/libpaystack.so.0.abi.xz --headers include

echo "== lintian (errors fail)"
lintian --fail-on error --tag-display-limit 0 "$debs"/*.deb
echo "lintian: no error"

if [ "$mode" = --build ]; then exit 0; fi

if [ "$mode" = --host ]; then
  echo "== install on this machine and use"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$debs"/*.deb >/dev/null
  PAYSTACK_DEBS="$debs" bash tests/package/consumers.sh "$src" "$src/build/package/consumers" all
  exit 0
fi

echo "== clean Debian 12 root"
cache="${PAYSTACK_CHECK_ROOT:-/var/cache/paystack-check-root/base}"
mirror="${PAYSTACK_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  # The first Debian mirror apt is configured with (one-line or deb822 format).
  mirror=$( (sed -n 's/^URIs: *\(http[^ ]*\/debian\)$/\1/p; s/^deb \(http[^ ]*\/debian\) bookworm .*/\1/p' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null || true) | head -n 1)
fi
mirror="${mirror:-http://deb.debian.org/debian}"
# What the consumers need besides the packages (compiler, CMake, pkg-config, man), and the
# packages' own dependencies, downloaded but not installed: the packages' Depends install them.
tools=(build-essential cmake pkgconf man-db)
deps=(libboost1.81-dev libssl-dev ca-certificates libboost-json1.81.0 libboost-url1.81.0 libssl3
  libsqlite3-0 libpq5 libsqlite3-dev libpq-dev)
make_root() {
  rm -rf "$cache.tmp"
  mkdir -p "$(dirname "$cache")"
  debootstrap --variant=minbase bookworm "$cache.tmp" "$mirror" >/dev/null || return 1
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" >"$cache.tmp/etc/apt/sources.list"
  cp /etc/resolv.conf "$cache.tmp/etc/resolv.conf"
  chroot "$cache.tmp" sh -c "export DEBIAN_FRONTEND=noninteractive; apt-get update -q >/dev/null &&
    apt-get install -y -q --no-install-recommends ${tools[*]} >/dev/null &&
    apt-get install -y -q --no-install-recommends --download-only ${deps[*]} >/dev/null" || return 1
  mv "$cache.tmp" "$cache"
}
if [ ! -x "$cache/usr/bin/cmake" ]; then
  echo "making $cache (debootstrap --variant=minbase bookworm $mirror; once)"
  # Exit 75 (EX_TEMPFAIL) when the root cannot be made (no Debian mirror reachable): the caller
  # (scripts/test.sh) tells that apart from a package that failed its checks.
  make_root || { rm -rf "$cache.tmp"; echo "check-package: cannot make the clean Debian 12 root from $mirror" >&2; exit 75; }
fi
root="$src/build/package/root"
cleanup() {
  for m in dev proc; do mountpoint -q "$root/$m" && umount "$root/$m"; done
  return 0
}
trap cleanup EXIT
cleanup
rm -rf "$root"
cp -a "$cache" "$root"
echo "root: $(du -sh "$root" | cut -f1) at $root (a copy of $cache)"
mount --bind /dev "$root/dev"
mount -t proc proc "$root/proc"
mkdir -p "$root/src" "$root/debs"
mkdir -p "$root/src/tests"
cp -a tests/install tests/package "$root/src/tests/"
cp -a examples "$root/src/"
cp "$debs"/*.deb "$root/debs/"
in_root() {
  chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 PAYSTACK_DEBS=/debs "$@"
}
install_in_root() {  # apt-get: the dependencies come from the root's cache; the root's shell expands the patterns
  in_root sh -c "export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q --no-install-recommends $* >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }; grep -c '^Setting up' /tmp/apt.log | sed 's/\$/ packages set up/'"
}
echo "== install the runtime, the core's -dev package and the programs into it"
install_in_root /debs/libpaystack0_*.deb /debs/libpaystack-dev_*.deb /debs/paystack-sim_*.deb /debs/paystack-terminal_*.deb
echo "== use them in it, without libsqlite3-dev and libpq-dev"
in_root bash /src/tests/package/consumers.sh /src /tmp/consumers core --no-store-dev
echo "== install the store libraries' packages too, and use them"
install_in_root /debs/libpaystack-sqlite-dev_*.deb /debs/libpaystack-postgresql-dev_*.deb
in_root bash /src/tests/package/consumers.sh /src /tmp/consumers stores
in_root dpkg -l "*paystack*" | tail -n 6
