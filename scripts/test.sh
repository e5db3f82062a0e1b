#!/usr/bin/env bash
# `make test`: every test of the project, in phases, with the time each one took.
#
#   1. tools     install what is missing (build tools, Chromium, aiosmtpd, playwright-core)
#   2. spa       scripts/build-web.sh: the family app into dist/, the administration into
#                dist/admin/
#      size      what a phone downloads before the app starts (wasm + JS, gzip -9), for the
#                families' bundle (dist/, at most 300 kB) and the administration's
#                (dist/admin/, at most 450 kB); printed every run, fails over budget
#   3. server    cargo build -p tutti-api (the binary the browser tests start)
#   4. rust      cargo test --workspace --exclude tutti-web: the API tests, each on SQLite
#                and, when TEST_DATABASE_URL is set, on PostgreSQL as well; then the SPA's
#                native unit tests (cargo test -p tutti-web, with and without admin)
#   5. browser   node --test tests/browser/: journeys and accessibility in real Chromium
#
# A failing phase does not stop the later ones that do not depend on it; the script
# exits non-zero when any phase failed.
set -uo pipefail
script_name="test"
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$repo" || exit 1

log_dir="$(mktemp -d "${TMPDIR:-/tmp}/tutti-test.XXXXXX")"
trap 'rm -rf "$log_dir"' EXIT

phase_names=()
phase_results=()
phase_seconds=()
failed=0

# run_phase NAME COMMAND...: runs the command, tees its output into a log, records the result.
run_phase() {
    local name="$1"; shift
    local started=$SECONDS status
    printf '\n\033[1m==> %s\033[0m  (%s)\n' "$name" "$*"
    "$@" 2>&1 | tee "$log_dir/$name.log"
    status=${PIPESTATUS[0]}
    phase_names+=("$name")
    phase_seconds+=($((SECONDS - started)))
    if [ "$status" -eq 0 ]; then
        phase_results+=("ok")
    else
        phase_results+=("FAILED (exit $status)")
        failed=1
    fi
    printf '\033[1m<== %s: %s in %ss\033[0m\n' "$name" "${phase_results[-1]}" "${phase_seconds[-1]}"
    return "$status"
}

skip_phase() {
    phase_names+=("$1"); phase_results+=("skipped: $2"); phase_seconds+=(0); failed=1
    printf '\n\033[1;33m==> %s skipped: %s\033[0m\n' "$1" "$2"
}

run_phase tools scripts/setup-tools.sh --test || die "the tools could not be installed (see above)"

# bundle_size DIR: bytes of the app's wasm and JS in DIR (not below it), each gzip -9.
bundle_size() {
    local total=0 file
    for file in "$1"/*.wasm "$1"/*.js; do
        [ -f "$file" ] || continue
        total=$((total + $(gzip -9 -c "$file" | wc -c)))
    done
    echo "$total"
}

# bundle_brotli DIR: the same files' brotli variants, as the server sends them.
bundle_brotli() {
    local total=0 file
    for file in "$1"/*.wasm.br "$1"/*.js.br; do
        [ -f "$file" ] || continue
        total=$((total + $(wc -c < "$file")))
    done
    echo "$total"
}

# The size gate: the families' bundle must leave room for what is coming (re-enrolment
# wizard, documents, invoices) within what a phone on a poor network loads in reasonable
# time. kB are 1000 bytes.
check_bundle_sizes() {
    local over=0 name dir budget size brotli
    for entry in "families dist 300000" "administration dist/admin 450000"; do
        read -r name dir budget <<< "$entry"
        size="$(bundle_size "$dir")"
        brotli="$(bundle_brotli "$dir")"
        if [ "$size" -eq 0 ]; then
            echo "bundle $name: no wasm or JS in $dir/"
            over=1
            continue
        fi
        awk -v name="$name" -v size="$size" -v budget="$budget" -v brotli="$brotli" -v dir="$dir" \
            'BEGIN { printf "bundle %-15s %6.1f kB gzip -9 (budget %d kB), %6.1f kB brotli as served  [%s/]\n",
                     name, size / 1000, budget / 1000, brotli / 1000, dir }'
        if [ "$size" -gt "$budget" ]; then
            echo "bundle $name is over budget by $(( (size - budget + 999) / 1000 )) kB"
            over=1
        fi
    done
    return "$over"
}

spa_ok=true server_ok=true
run_phase spa scripts/build-web.sh || spa_ok=false
if $spa_ok; then
    run_phase size check_bundle_sizes
else
    skip_phase size "the SPA did not build"
fi
run_phase server cargo build -p tutti-api || server_ok=false

# Test connections stay on loopback: no TLS (see .ci/run for why).
export PGSSLMODE="${PGSSLMODE:-disable}"
if [ -n "${TEST_DATABASE_URL:-}" ]; then
    say "TEST_DATABASE_URL is set: each API test runs on SQLite and on PostgreSQL"
else
    say "TEST_DATABASE_URL is not set: API tests run on SQLite only (.ci/run sets it for PostgreSQL)"
fi
# The tests mostly wait on bcrypt, SQLite and PostgreSQL: more threads than cores pay.
run_phase rust cargo test --workspace --exclude tutti-web --no-fail-fast -- --test-threads=8
# The SPA's pure logic (error decoding, form rules, routes), natively, with and without admin.
run_phase web-unit bash -c 'cargo test -p tutti-web && cargo test -p tutti-web --features admin'

if ! $spa_ok; then
    skip_phase browser "the SPA did not build"
elif ! $server_ok; then
    skip_phase browser "the server did not build"
else
    rm -rf tests/browser/screenshots   # this run's screenshots only
    TUTTI_BIN="$tutti_bin_debug" TUTTI_WEB_DIR="$repo/dist" \
        run_phase browser node --test --test-reporter=spec tests/browser/
fi

# Counts, from cargo's "test result:" lines and node's closing summary.
passed=0 failures=0 skipped=0
for cargo_log in "$log_dir/rust.log" "$log_dir/web-unit.log"; do
    [ -f "$cargo_log" ] || continue
    read -r p f i < <(sed -n 's/.*test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed; \([0-9]*\) ignored.*/\1 \2 \3/p' "$cargo_log" \
        | awk '{p+=$1; f+=$2; i+=$3} END {print p+0, f+0, i+0}')
    passed=$((passed + p)); failures=$((failures + f)); skipped=$((skipped + i))
done
if [ -f "$log_dir/browser.log" ]; then
    count() {
        local value
        value="$(sed -n "s/^\(#\|ℹ\) $1 \([0-9]*\)$/\2/p" "$log_dir/browser.log" | tail -n1)"
        echo "${value:-0}"
    }
    passed=$((passed + $(count pass)))
    failures=$((failures + $(count fail) + $(count cancelled)))
    skipped=$((skipped + $(count skipped)))
fi

printf '\n\033[1mPhase       Time     Result\033[0m\n'
for index in "${!phase_names[@]}"; do
    printf '%-10s %5ss     %s\n' "${phase_names[$index]}" "${phase_seconds[$index]}" "${phase_results[$index]}"
done
printf 'total      %5ss\n\n' "$SECONDS"
[ -f "$log_dir/size.log" ] && grep '^bundle' "$log_dir/size.log"
echo "Summary: $passed passed, $failures failed, $skipped skipped"
exit "$failed"
