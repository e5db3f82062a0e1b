#!/usr/bin/env bash
# `make bench`: throughput and latency of the release server on a fresh demo database,
# SQLite first, then PostgreSQL (a throw-away database on 127.0.0.1:5432).
#
# For each database, with bcrypt at its production cost (12):
#   account   GET  /api/v1/account with a Bearer token, 64 connections, 15 s
#   login     POST /api/v1/auth/login (famille.demo), 8 connections, 15 s: bcrypt-bound
#   mixed     both at once: ordinary requests while logins use the machine (the budget
#             in SPEC.md: p99 of ordinary requests under 50 ms)
# It reports; it never fails on a number. Only loopback traffic, bounded in time.
#
#   BENCH_SECONDS=15  BENCH_DATABASES="sqlite postgres"  BENCH_PG_URL=postgres://postgres@127.0.0.1:5432
set -euo pipefail
script_name=bench
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$repo"

seconds="${BENCH_SECONDS:-15}"
databases="${BENCH_DATABASES:-sqlite postgres}"
pg_base_url="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is needed: $2"; }
need curl "apt-get install -y curl"
need python3 "apt-get install -y python3"

# ---------------------------------------------------------------- tools and build
if command -v oha >/dev/null 2>&1; then
    say "oha: present ($(oha --version | head -n1))"
else
    say "oha: installing from crates.io (cargo install oha --locked; about 10 minutes on 2 cores)"
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo install oha --locked || die "cargo install oha failed"
fi

say "building the release server (cargo build --release -p tutti-api)"
cargo build --release -p tutti-api || die "cargo build --release -p tutti-api failed"

work="$(mktemp -d "${TMPDIR:-/tmp}/tutti-bench.XXXXXX")"
server_pid=""
pg_database=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [ -n "$pg_database" ]; then
        psql "$pg_base_url/postgres" -qc "DROP DATABASE IF EXISTS $pg_database WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# summarise NAME FILE: one line from oha's JSON report.
summarise() {
    python3 - "$1" "$2" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
report = json.load(open(path))
summary = report["summary"]
percentiles = report.get("latencyPercentiles", {})
statuses = report.get("statusCodeDistribution", {})
errors = sum(report.get("errorDistribution", {}).values())
ms = lambda value: "-" if value is None else f"{value * 1000:.1f}"
codes = " ".join(f"{code}:{count}" for code, count in sorted(statuses.items()))
print(f"{name:<34} {summary['requestsPerSec']:>9.1f} {ms(percentiles.get('p50')):>9} {ms(percentiles.get('p99')):>9}   {codes}{f'  errors:{errors}' if errors else ''}")
PY
}

results=()
# Other work on the machine skews every figure: say how busy it was.
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

bench_database() {
    local kind="$1" database_url data_dir port base token login_body
    data_dir="$work/$kind"
    mkdir -p "$data_dir"
    case "$kind" in
        sqlite) database_url="$data_dir/tutti.db" ;;
        postgres)
            if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
                say "PostgreSQL is not accepting connections on 127.0.0.1:5432: skipping it"
                results+=("postgres: skipped (PostgreSQL not running; see .ci/run to start it)")
                return 0
            fi
            pg_database="tutti_bench_$(python3 -c 'import secrets; print(secrets.token_hex(4))')"
            psql "$pg_base_url/postgres" -qc "CREATE DATABASE $pg_database" || die "cannot create database $pg_database"
            database_url="$pg_base_url/$pg_database"
            say "PostgreSQL database $pg_database created"
            ;;
        *) die "unknown database kind '$kind' (sqlite or postgres)" ;;
    esac

    port="$(free_port)"
    base="http://127.0.0.1:$port"
    export TUTTI_DATABASE_URL="$database_url" TUTTI_DATA_DIR="$data_dir" TUTTI_BIND="127.0.0.1:$port" \
        TUTTI_PUBLIC_URL="$base" TUTTI_BCRYPT_COST=12 RUST_LOG="${RUST_LOG:-warn}"
    unset TUTTI_WEB_DIR TUTTI_SMTP_URL

    say "$kind: seeding the demo data (bcrypt cost 12)"
    "$tutti_bin_release" seed-demo >"$work/$kind-seed.log" 2>&1 || { cat "$work/$kind-seed.log"; die "tutti seed-demo failed on $kind"; }

    "$tutti_bin_release" serve >"$work/$kind-server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "$base/api/v1/sites" 2>/dev/null && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/$kind-server.log"; die "tutti serve exited on $kind"; }
        sleep 0.1
    done
    curl -fsS -o /dev/null "$base/api/v1/sites" || { cat "$work/$kind-server.log"; die "tutti serve did not answer on $kind"; }

    login_body='{"site":"conservatoire","login":"famille.demo","password":"Demo-Famille-2026"}'
    token="$(curl -fsS -H 'Content-Type: application/json' -d "$login_body" "$base/api/v1/auth/login" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')" \
        || die "could not log in as famille.demo on $kind"

    local account_args=(-H "Authorization: Bearer $token" "$base/api/v1/account")
    local login_args=(-m POST -H 'Content-Type: application/json' -d "$login_body" "$base/api/v1/auth/login")

    say "$kind: GET /api/v1/account, 64 connections, ${seconds}s"
    oha --no-tui --output-format json -w -z "${seconds}s" -c 64 "${account_args[@]}" >"$work/$kind-account.json"
    results+=("$(summarise "$kind: GET account (c=64)" "$work/$kind-account.json")")

    say "$kind: POST /api/v1/auth/login, 8 connections, ${seconds}s"
    oha --no-tui --output-format json -w -z "${seconds}s" -c 8 "${login_args[@]}" >"$work/$kind-login.json"
    results+=("$(summarise "$kind: POST login (c=8)" "$work/$kind-login.json")")

    say "$kind: both at once, ${seconds}s"
    oha --no-tui --output-format json -w -z "${seconds}s" -c 8 "${login_args[@]}" >"$work/$kind-mixed-login.json" &
    local login_pid=$!
    oha --no-tui --output-format json -w -z "${seconds}s" -c 64 "${account_args[@]}" >"$work/$kind-mixed-account.json"
    wait "$login_pid"
    results+=("$(summarise "$kind: GET account during logins" "$work/$kind-mixed-account.json")")
    results+=("$(summarise "$kind: POST login during GETs" "$work/$kind-mixed-login.json")")

    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    server_pid=""
    if [ "$kind" = postgres ]; then
        psql "$pg_base_url/postgres" -qc "DROP DATABASE IF EXISTS $pg_database WITH (FORCE)" && say "PostgreSQL database $pg_database dropped"
        pg_database=""
    fi
}

for kind in $databases; do
    bench_database "$kind"
done

printf '\n\033[1mTutti API benchmark\033[0m  (%s cores, %ss per run, bcrypt cost 12, release build; load average at start: %s)\n' \
    "$(nproc)" "$seconds" "$load_before"
printf '%-34s %9s %9s %9s   %s\n' "scenario" "req/s" "p50 ms" "p99 ms" "statuses"
printf '%s\n' "${results[@]}"
