# Sourced by the other scripts: the environment every build and test step shares.
# shellcheck shell=bash

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Builds live outside the work tree, so that a fresh clone (CI's) reuses the last build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tutti/target}"
# trunk would otherwise ask the network whether a newer trunk exists.
export TRUNK_SKIP_VERSION_CHECK=true
# wasm-opt (npm binaryen, project-local) and the cargo-installed trunk and wasm-bindgen.
export PATH="$repo/.tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

tutti_bin_debug="$CARGO_TARGET_DIR/debug/tutti"
tutti_bin_release="$CARGO_TARGET_DIR/release/tutti"

say() { printf '\033[1m[%s]\033[0m %s\n' "${script_name:-tutti}" "$*"; }
die() { printf '\033[1;31m[%s] ERROR:\033[0m %s\n' "${script_name:-tutti}" "$*" >&2; exit 1; }
