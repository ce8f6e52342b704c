#!/bin/bash
# Installs what Gatehouse needs on Debian 12, builds it, and runs it or its tests.
#
#   scripts/setup.sh run     install, build, run Gatehouse on the bundled sample batch
#                            (the GUI when a display exists, otherwise gatehouse-cli run)
#   scripts/setup.sh test    install, build, run the whole test suite
#   scripts/setup.sh package install, build, and make the Debian package build/gatehouse_<version>_<arch>.deb
#   scripts/setup.sh install | build | sanitize
#
# Idempotent and non-interactive; run as root (or with sudo available) on a fresh machine.
# Environment: GATEHOUSE_BUILD_DIR (default: build), GATEHOUSE_JOBS (default: the number of cores).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GATEHOUSE_BUILD_DIR:-$here/build}
jobs=${GATEHOUSE_JOBS:-$(nproc)}
npm_prefix=${GATEHOUSE_NPM_PREFIX:-/opt/gatehouse/npm}

build_packages=(
    qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libqt6sql6-psql qt6-tools-dev qt6-tools-dev-tools
    qt6-l10n-tools qt6-translations-l10n qt6-image-formats-plugins libcurl4-openssl-dev libssl-dev
    libarchive-dev libquazip1-qt6-dev libxml2-dev libopenjp2-7-dev libpoppler-qt6-dev qtkeychain-qt6-dev
    cmake ninja-build pkg-config g++ ccache
    librsvg2-bin help2man dpkg-dev file
)
# The real servers and reference tools the tests and benchmarks start (tests/peers, tests/bench).
peer_packages=(
    nginx postgresql python3-botocore libopenjp2-tools imagemagick python3-jpylyzer aria2 wget curl hyperfine
    xvfb xauth util-linux python3-aiosmtpd openssl desktop-file-utils appstream man-db groff-base binutils strace
    mediawiki php-cli php-sqlite3 php-intl php-mbstring
)

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

missing_packages() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"
    done
}

install() {
    local missing
    mapfile -t missing < <(missing_packages "${build_packages[@]}" "${peer_packages[@]}")
    if [ ${#missing[@]} -gt 0 ]; then
        echo "== installing ${#missing[@]} Debian packages: ${missing[*]}"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
    # Debian's nginx, PostgreSQL and Apache (pulled in by mediawiki) packages start system services; the
    # tests start their own servers on loopback.
    local service
    for service in nginx apache2; do
        if command -v systemctl >/dev/null && systemctl is-active -q "$service" 2>/dev/null; then
            as_root systemctl disable --now "$service" >/dev/null 2>&1 || true
        fi
    done
    if ! command -v npm >/dev/null; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
    fi
    if [ ! -x "$npm_prefix/node_modules/.bin/s3rver" ]; then
        echo "== installing s3rver 3.7.1 from the npm registry into $npm_prefix"
        as_root mkdir -p "$npm_prefix"
        as_root npm install --prefix "$npm_prefix" --no-audit --no-fund --loglevel=error s3rver@3.7.1
    fi
    # The Node bot framework the upload benchmark compares with (tests/bench/upload.sh).
    if [ ! -f "$npm_prefix/node_modules/mwn/package.json" ]; then
        echo "== installing mwn 3 from the npm registry into $npm_prefix"
        as_root mkdir -p "$npm_prefix"
        as_root npm install --prefix "$npm_prefix" --no-audit --no-fund --loglevel=error mwn@3
    fi
}

configure() {
    local dir=$1
    shift
    cmake -S "$here" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "$@" >/dev/null
}

build() {
    echo "== building in $build"
    configure "$build"
    ninja -C "$build" -j "$jobs"
}

run() {
    local sample=$build/sample/postcards-1923 demo=$build/demo
    mkdir -p "$demo"
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        echo "== opening the sample batch in Gatehouse"
        exec "$build/bin/gatehouse" --catalog "$demo/catalog.sqlite" "$sample"
    fi
    echo "== no display: running gatehouse-cli on the sample batch"
    local status=0
    "$build/bin/gatehouse-cli" --catalog "$demo/catalog.sqlite" run "$sample" || status=$?
    if [ "$status" = 1 ]; then
        echo "== exit status 1: finished with a finding, as expected — the sample's card-0004.jp2 has a planted"
        echo "   checksum mismatch. See: $build/bin/gatehouse-cli --catalog $demo/catalog.sqlite files 1"
        return 0
    fi
    return "$status"
}

run_tests() {
    echo "== running the test suite"
    local args=(--test-dir "$build" --output-on-failure -j "$jobs" --timeout 900)
    [ -n "${CI:-}" ] && args+=(--no-tests=error)
    ctest "${args[@]}"
}

package() {
    echo "== making the Debian package in $build"
    (cd "$build" && cpack -G DEB)
    local deb
    deb=$(ls -t "$build"/gatehouse_*.deb | head -n 1)
    dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
    echo "== $deb"
    echo "   install it with: apt install $deb"
}

sanitize() {
    local dir=$here/build-asan
    echo "== building core and its tests with AddressSanitizer and UndefinedBehaviorSanitizer in $dir"
    configure "$dir" -DGATEHOUSE_SANITIZE=ON -DGATEHOUSE_BUILD_GUI=OFF
    ninja -C "$dir" -j "$jobs"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir "$dir" --output-on-failure -j "$jobs" -L unit
}

case ${1:-} in
install) install ;;
build) install && build ;;
run) install && build && run ;;
test) install && build && run_tests ;;
package) install && build && package ;;
sanitize) install && sanitize ;;
*)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
