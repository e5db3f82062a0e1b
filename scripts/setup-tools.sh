#!/usr/bin/env bash
# Installs the tools Tutti's build needs, skipping what is already there at the right
# version. Safe to run again and again: each step first checks, then says what it does.
#
#   scripts/setup-tools.sh          build tools: wasm32 target, trunk, wasm-bindgen, wasm-opt
#   scripts/setup-tools.sh --test   the same, plus the test-only tools: Chromium and its
#                                   driver (apt), aiosmtpd and moto (pip), playwright-core and
#                                   axe-core (npm ci in tests/)
#
# Needs: rustup's toolchain, node/npm, python3/pip and apt-get (as root, or with sudo).
# Everything else comes from crates.io, npm, PyPI and Debian's archive.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

with_test_tools=false
for arg in "$@"; do
    case "$arg" in
        --test) with_test_tools=true ;;
        *) echo "setup-tools: unknown argument '$arg' (expected --test)" >&2; exit 2 ;;
    esac
done

TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132"
tools_dir="$repo/.tools"
export PATH="$tools_dir/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed: $2"; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "need root (or sudo) to run: $*"
    fi
}

# Prints the first line of `TOOL --version`, or nothing when the tool is missing or broken.
version_of() { "$@" --version 2>/dev/null | head -n1 || true; }

need cargo "install Rust with rustup (https://rustup.rs)"
need rustup "install Rust with rustup (https://rustup.rs)"

# ---------------------------------------------------------------- wasm32 target
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "wasm32-unknown-unknown target: present"
else
    say "wasm32-unknown-unknown target: installing (rustup target add)"
    rustup target add wasm32-unknown-unknown || die "rustup target add wasm32-unknown-unknown failed"
fi

# ---------------------------------------------------------------- trunk
# 0.21.14 is the last trunk that builds with rustc 1.95 (0.22 needs 1.96.1).
found="$(version_of trunk)"
if [ "$found" = "trunk $TRUNK_VERSION" ]; then
    say "trunk $TRUNK_VERSION: present"
else
    say "trunk $TRUNK_VERSION: installing from crates.io (found: '${found:-none}'; about 10 minutes on 2 cores)"
    # Thin release profile for the tool itself: full LTO with one codegen unit doubles the time.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo install --locked trunk --version "$TRUNK_VERSION" --force \
        || die "cargo install trunk $TRUNK_VERSION failed"
    found="$(version_of trunk)"
    [ "$found" = "trunk $TRUNK_VERSION" ] || die "trunk on PATH still reports '${found:-nothing}' ($(command -v trunk || echo 'not on PATH'))"
fi

# ---------------------------------------------------------------- wasm-bindgen
# The CLI must be exactly the version of the wasm-bindgen crate the SPA links against,
# or trunk's bindgen step rejects the module. Take it from Cargo.lock.
bindgen_version="$(awk '
    $0 == "name = \"wasm-bindgen\"" { found = 1; next }
    found && /^version = / { gsub(/"/, "", $3); print $3; exit }
' Cargo.lock)"
[ -n "$bindgen_version" ] || die "no wasm-bindgen package in Cargo.lock (run 'cargo generate-lockfile'?)"
found="$(version_of wasm-bindgen)"
if [ "$found" = "wasm-bindgen $bindgen_version" ]; then
    say "wasm-bindgen $bindgen_version: present"
else
    say "wasm-bindgen-cli $bindgen_version: installing from crates.io (found: '${found:-none}'; about 5-8 minutes)"
    # Not --locked: its lock file wants a webpki-roots version the registry no longer serves.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo install wasm-bindgen-cli --version "$bindgen_version" --force \
        || die "cargo install wasm-bindgen-cli $bindgen_version failed"
    found="$(version_of wasm-bindgen)"
    [ "$found" = "wasm-bindgen $bindgen_version" ] || die "wasm-bindgen on PATH still reports '${found:-nothing}' ($(command -v wasm-bindgen || echo 'not on PATH'))"
fi

# ---------------------------------------------------------------- wasm-opt
# Debian's binaryen (108) emits a broken externref table: the page stays blank.
# npm's binaryen@132 is used instead, project-local in .tools/ (gitignored).
need npm "install Node.js 20 or later with npm (apt-get install nodejs npm)"
found="$(version_of "$tools_dir/node_modules/.bin/wasm-opt")"
if [[ "$found" == "wasm-opt version $BINARYEN_VERSION"* ]]; then
    say "wasm-opt $BINARYEN_VERSION: present in .tools/"
else
    say "wasm-opt: installing npm binaryen@$BINARYEN_VERSION into .tools/ (found: '${found:-none}')"
    mkdir -p "$tools_dir"
    npm install --prefix "$tools_dir" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION" \
        || die "npm install binaryen@$BINARYEN_VERSION failed"
    found="$(version_of "$tools_dir/node_modules/.bin/wasm-opt")"
    [[ "$found" == "wasm-opt version $BINARYEN_VERSION"* ]] || die "wasm-opt in .tools reports '${found:-nothing}'"
fi

if ! $with_test_tools; then
    say "build tools ready"
    exit 0
fi

# ---------------------------------------------------------------- Chromium
# Debian's Chromium drives the browser tests through playwright-core; never
# `npx playwright install` (it downloads a browser build, which this network refuses).
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    say "chromium: present ($(/usr/bin/chromium --version 2>/dev/null | head -n1))"
else
    say "chromium: installing Debian's chromium and chromium-driver (about 2 minutes)"
    need apt-get "the browser tests need Debian's chromium package"
    as_root apt-get update -q || die "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver \
        || die "apt-get install chromium chromium-driver failed"
    [ -x /usr/bin/chromium ] || die "/usr/bin/chromium is still missing after apt-get install"
fi

# ---------------------------------------------------------------- aiosmtpd
# A real SMTP sink for the e-mail tests.
need python3 "install python3 and pip"
if python3 -c 'import aiosmtpd' 2>/dev/null; then
    say "aiosmtpd: present"
else
    say "aiosmtpd: installing from PyPI (pip)"
    python3 -m pip install --quiet aiosmtpd \
        || python3 -m pip install --quiet --break-system-packages aiosmtpd \
        || die "pip install aiosmtpd failed"
    python3 -c 'import aiosmtpd' || die "aiosmtpd still cannot be imported"
fi

# ---------------------------------------------------------------- moto (S3-compatible server)
# The documents' S3 tests run against moto's server, started by the tests themselves.
if python3 -c 'import moto.server' 2>/dev/null; then
    say "moto: present"
else
    say "moto: installing from PyPI (pip)"
    python3 -m pip install --quiet 'moto[server]' \
        || python3 -m pip install --quiet --break-system-packages 'moto[server]' \
        || die "pip install moto[server] failed"
    python3 -c 'import moto.server' || die "moto still cannot be imported"
fi

# ---------------------------------------------------------------- playwright-core, axe-core
# npm ci from the committed lock file; skipped when node_modules already matches it.
if [ -f tests/node_modules/.package-lock.json ] \
    && [ -d tests/node_modules/playwright-core ] && [ -d tests/node_modules/axe-core ] \
    && [ ! tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
    say "playwright-core, axe-core: present in tests/node_modules"
else
    say "playwright-core, axe-core: npm ci in tests/"
    (cd tests && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in tests/ failed"
fi

say "build and test tools ready"
