#!/usr/bin/env bash
# `make bench`: throughput and latency of the release server on a fresh demo database,
# SQLite first, then PostgreSQL (a throw-away database on 127.0.0.1:5432).
#
# For each database, with bcrypt at its production cost (12), the scenarios:
#   account   GET  /api/v1/account with a Bearer token, 64 connections, 15 s
#   login     POST /api/v1/auth/login (famille.demo), 8 connections, 15 s: bcrypt-bound
#   mixed     both at once: ordinary requests while logins use the machine (the budget
#             in SPEC.md: p99 of ordinary requests under 50 ms)
#   uploads   POST /api/v1/documents (multipart) of a 2 MB PDF (exactly 2*1024*1024 bytes,
#             the limit: a one-page scan, random pixels in a Flate stream) as famille.demo,
#             16 connections, 15 s, once per storage: the local folder under TUTTI_DATA_DIR
#             and S3 (moto's server on loopback, as the tests start it). Each connection
#             replaces its own piece over and over (one oha per piece), so no two uploads
#             race for one piece; the staff account adds household document types to the
#             throw-away database when the demo family has fewer pieces than connections.
# It reports; it never fails on a number. Only loopback traffic, bounded in time.
# MB/s is 2^20 bytes of accepted files (201 answers) per second.
#
#   BENCH_SECONDS=15  BENCH_DATABASES="sqlite postgres"  BENCH_PG_URL=postgres://postgres@127.0.0.1:5432
#   BENCH_SCENARIOS="account login mixed uploads"  BENCH_STORAGES="local s3"
#   e.g. BENCH_SCENARIOS=uploads BENCH_SECONDS=10 make bench
set -euo pipefail
script_name=bench
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$repo"

seconds="${BENCH_SECONDS:-15}"
databases="${BENCH_DATABASES:-sqlite postgres}"
pg_base_url="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
scenarios="${BENCH_SCENARIOS:-account login mixed uploads}"
storages="${BENCH_STORAGES:-local s3}"
upload_connections=16
upload_bytes=$((2 * 1024 * 1024))

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is needed: $2"; }
need curl "apt-get install -y curl"
need python3 "apt-get install -y python3"

for scenario in $scenarios; do
    case "$scenario" in
        account | login | mixed | uploads) ;;
        *) die "unknown scenario '$scenario' in BENCH_SCENARIOS (account login mixed uploads)" ;;
    esac
done
for storage in $storages; do
    case "$storage" in
        local | s3) ;;
        *) die "unknown storage '$storage' in BENCH_STORAGES (local s3)" ;;
    esac
done
wants() { case " $scenarios " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
wants_storage() { case " $storages " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# ---------------------------------------------------------------- tools and build
if command -v oha >/dev/null 2>&1; then
    say "oha: present ($(oha --version | head -n1))"
else
    say "oha: installing from crates.io (cargo install oha --locked; about 10 minutes on 2 cores)"
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo install oha --locked || die "cargo install oha failed"
fi

if wants uploads && wants_storage s3; then
    # The same S3-compatible server the tests use (scripts/setup-tools.sh --test installs it).
    if python3 -c 'import moto.server' 2>/dev/null; then
        say "moto: present"
    else
        say "moto: installing from PyPI (pip install 'moto[server]')"
        python3 -m pip install --quiet 'moto[server]' \
            || python3 -m pip install --quiet --break-system-packages 'moto[server]' \
            || die "pip install moto[server] failed"
        python3 -c 'import moto.server' || die "moto still cannot be imported"
    fi
fi

say "building the release server (cargo build --release -p tutti-api)"
cargo build --release -p tutti-api || die "cargo build --release -p tutti-api failed"

work="$(mktemp -d "${TMPDIR:-/tmp}/tutti-bench.XXXXXX")"
server_pid=""
moto_pid=""
pg_database=""
upload_pids=()
cleanup() {
    local pid
    for pid in "${upload_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
    if [ -n "$pg_database" ]; then
        psql "$pg_base_url/postgres" -qc "DROP DATABASE IF EXISTS $pg_database WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

row_format='%-40s %9s %9s %9s %9s   %s'

# summarise NAME FILE: one line from oha's JSON report.
summarise() {
    python3 - "$1" "$2" "$row_format" <<'PY'
import json, sys
name, path, row = sys.argv[1], sys.argv[2], sys.argv[3]
report = json.load(open(path))
summary = report["summary"]
percentiles = report.get("latencyPercentiles", {})
statuses = report.get("statusCodeDistribution", {})
errors = sum(report.get("errorDistribution", {}).values())
ms = lambda value: "-" if value is None else f"{value * 1000:.1f}"
codes = " ".join(f"{code}:{count}" for code, count in sorted(statuses.items()))
print(row % (name, f"{summary['requestsPerSec']:.1f}", "-", ms(percentiles.get("p50")),
             ms(percentiles.get("p99")), f"{codes}{f'  errors:{errors}' if errors else ''}"), end="")
PY
}

# summarise_uploads NAME DIR FILE_BYTES: one line from the oha runs in DIR (N.json, and
# N.db with every answered request, from which p50 and p99 are taken over all runs).
summarise_uploads() {
    python3 - "$1" "$2" "$3" "$row_format" <<'PY'
import collections, glob, json, os, sqlite3, sys
name, folder, file_bytes, row = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
statuses, errors, durations, elapsed = collections.Counter(), collections.Counter(), [], 0.0
for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
    report = json.load(open(path))
    elapsed = max(elapsed, report["summary"]["total"])
    statuses.update({int(code): count for code, count in report.get("statusCodeDistribution", {}).items()})
    errors.update(report.get("errorDistribution", {}))
    database = path[: -len(".json")] + ".db"
    if os.path.exists(database):
        with sqlite3.connect(database) as connection:
            durations += [value for (value,) in connection.execute("SELECT duration FROM oha")]
durations.sort()
answered = sum(statuses.values())
def percentile(fraction):
    if not durations:
        return "-"
    return f"{durations[min(len(durations) - 1, int(fraction * len(durations)))] * 1000:.1f}"
rate = answered / elapsed if elapsed else 0.0
stored = statuses.get(201, 0) * file_bytes / 2**20 / elapsed if elapsed else 0.0
codes = " ".join(f"{code}:{count}" for code, count in sorted(statuses.items()))
failed = sum(errors.values())
detail = f"  errors:{failed} ({'; '.join(sorted(errors))})" if failed else ""
print(row % (name, f"{rate:.1f}", f"{stored:.1f}", percentile(0.50), percentile(0.99), codes + detail), end="")
PY
}

results=()
# Other work on the machine skews every figure: say how busy it was.
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- S3 (moto) and the upload file
s3_endpoint=""
s3_bucket=tutti-bench
start_moto() {
    local port
    port="$(free_port)"
    python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
    moto_pid=$!
    s3_endpoint="http://127.0.0.1:$port"
    for _ in $(seq 1 200); do
        curl -fsS -o /dev/null -X PUT "$s3_endpoint/$s3_bucket" 2>/dev/null && { say "moto: bucket $s3_bucket on $s3_endpoint"; return 0; }
        kill -0 "$moto_pid" 2>/dev/null || { cat "$work/moto.log"; die "moto's server exited at start-up"; }
        sleep 0.1
    done
    cat "$work/moto.log"
    die "moto's server did not answer on port $port within 20 s"
}

# make_upload_pdf FILE BYTES: a valid one-page PDF of exactly BYTES bytes: a grey-scale
# image of random pixels (a scan: incompressible) in a /FlateDecode stream, the xref table
# right, no active content, and a comment filling the last bytes.
make_upload_pdf() {
    python3 - "$1" "$2" <<'PY'
import random, sys, zlib
path, target, width = sys.argv[1], int(sys.argv[2]), 1024

def build(height, pad):
    data = zlib.compress(random.Random(8).randbytes(width * height), 9)
    content = b"q 595 0 0 %d 0 0 cm /Im0 Do Q\n" % (595 * height // width)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /XObject << /Im0 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
        % (width, height, len(data)) + data + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if pad:
        out += b"%" + b" " * (pad - 2) + b"\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)

# Random pixels do not compress: the file is width x height bytes and about 700 more.
height = (target - 2048) // width
pdf = build(height, 0)
while len(pdf) > target - 2:
    height -= 1
    pdf = build(height, 0)
pdf = build(height, target - len(pdf))
assert len(pdf) == target, (len(pdf), target)
# The server refuses a PDF/ZIP polyglot: a ZIP signature must not appear by chance.
assert b"PK\x05\x06" not in pdf[-65557:] and b"PK\x03\x04" not in pdf[-65557:]
open(path, "wb").write(pdf)
PY
}

# upload_pieces BASE FAMILY_TOKEN STAFF_TOKEN COUNT: COUNT pieces of famille.demo, one a
# line, "document_type_id student_id" (student_id empty for a household piece). Adds
# household document types as staff when the family has fewer pieces.
upload_pieces() {
    local base="$1" family_token="$2" staff_token="$3" count="$4" listed missing i
    list_pieces() {
        curl -fsS -H "Authorization: Bearer $family_token" "$base/api/v1/documents" | python3 -c '
import json, sys
documents = json.load(sys.stdin)
for piece in documents["household"]:
    print(piece["document_type_id"], "")
for student in documents["students"]:
    for piece in student["documents"]:
        print(piece["document_type_id"], student["student_id"])'
    }
    listed="$(list_pieces)" || die "GET /api/v1/documents failed"
    missing=$((count - $(printf '%s\n' "$listed" | grep -c .)))
    for ((i = 1; i <= missing; i++)); do
        curl -fsS -o /dev/null -H "Authorization: Bearer $staff_token" -H 'Content-Type: application/json' \
            -d "{\"name\":\"Banc d'essai $i\",\"help_text\":\"Pièce ajoutée par make bench.\",\"form_url\":\"\",\"scope\":\"household\",\"requirement\":\"always\",\"delete_file_when_validated\":false,\"retired\":false}" \
            "$base/api/v1/admin/document-types" || die "POST /api/v1/admin/document-types failed"
    done
    if [ "$missing" -gt 0 ]; then listed="$(list_pieces)" || die "GET /api/v1/documents failed"; fi
    printf '%s\n' "$listed" | grep . | head -n "$count"
}

# make_upload_body FILE PDF BOUNDARY TYPE_ID STUDENT_ID: the multipart/form-data body the
# SPA sends for one piece.
make_upload_body() {
    python3 - "$@" <<'PY'
import sys
path, pdf, boundary, type_id, student_id = sys.argv[1:6]
part = lambda name, value: b"--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (
    boundary.encode(), name.encode(), value.encode())
body = part("document_type_id", type_id)
if student_id:
    body += part("student_id", student_id)
body += (b"--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"attestation.pdf\"\r\n"
         b"Content-Type: application/pdf\r\n\r\n" % boundary.encode())
body += open(pdf, "rb").read() + b"\r\n--%s--\r\n" % boundary.encode()
open(path, "wb").write(body)
PY
}

# ---------------------------------------------------------------- one server
# start_server KIND DATABASE_URL DATA_DIR STORAGE: serves on a free port, sets $base.
start_server() {
    local kind="$1" database_url="$2" data_dir="$3" storage="$4" port
    port="$(free_port)"
    base="http://127.0.0.1:$port"
    export TUTTI_DATABASE_URL="$database_url" TUTTI_DATA_DIR="$data_dir" TUTTI_BIND="127.0.0.1:$port" \
        TUTTI_PUBLIC_URL="$base" TUTTI_BCRYPT_COST=12 RUST_LOG="${RUST_LOG:-warn}"
    unset TUTTI_WEB_DIR TUTTI_SMTP_URL TUTTI_STORAGE_URL AWS_ENDPOINT AWS_ALLOW_HTTP AWS_ACCESS_KEY_ID \
        AWS_SECRET_ACCESS_KEY AWS_REGION
    if [ "$storage" = s3 ]; then
        # As tests/src/lib.rs (S3Server::vars) configures the server; one prefix per database.
        export TUTTI_STORAGE_URL="s3://$s3_bucket/$kind" AWS_ENDPOINT="$s3_endpoint" AWS_ALLOW_HTTP=true \
            AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
    fi
    "$tutti_bin_release" serve >>"$work/$kind-server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "$base/api/v1/sites" 2>/dev/null && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/$kind-server.log"; die "tutti serve exited on $kind"; }
        sleep 0.1
    done
    curl -fsS -o /dev/null "$base/api/v1/sites" || { cat "$work/$kind-server.log"; die "tutti serve did not answer on $kind"; }
}

stop_server() {
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# bench_uploads KIND STORAGE TOKEN: one oha per piece, 1 connection each, all at once.
bench_uploads() {
    local kind="$1" storage="$2" token="$3" status i out
    local name="$kind: POST documents, $storage (c=$upload_connections)"
    out="$work/$kind-uploads-$storage"
    mkdir -p "$out"
    # One upload first: it must be accepted, or the numbers would measure refusals.
    status="$(curl -sS -o "$work/$kind-first-upload.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
        -H "Content-Type: multipart/form-data; boundary=$upload_boundary" --data-binary "@$work/upload-body-0.bin" \
        "$base/api/v1/documents")" || die "the first upload ($storage, $kind) failed"
    if [ "$status" != 201 ]; then
        cat "$work/$kind-first-upload.json"; echo; tail -n 20 "$work/$kind-server.log"
        die "the first upload ($storage, $kind) answered $status, not 201"
    fi
    say "$kind: POST /api/v1/documents (2 MB PDF, $storage storage) answers 201; $upload_connections connections, ${seconds}s"
    upload_pids=()
    for ((i = 0; i < upload_connections; i++)); do
        oha --no-tui --output-format json -w -z "${seconds}s" -c 1 --worker-threads 1 -m POST \
            -H "Authorization: Bearer $token" -T "multipart/form-data; boundary=$upload_boundary" \
            -D "$work/upload-body-$i.bin" --db-url "$out/$i.db" "$base/api/v1/documents" \
            >"$out/$i.json" 2>"$out/$i.log" &
        upload_pids+=("$!")
    done
    for i in "${!upload_pids[@]}"; do
        wait "${upload_pids[$i]}" || { cat "$out/$i.log"; die "oha failed ($storage, $kind)"; }
    done
    upload_pids=()
    results+=("$(summarise_uploads "$name" "$out" "$upload_bytes")")
}

bench_database() {
    local kind="$1" database_url data_dir token staff_token login_body storage i type_id student_id
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

    say "$kind: seeding the demo data (bcrypt cost 12)"
    TUTTI_DATABASE_URL="$database_url" TUTTI_DATA_DIR="$data_dir" TUTTI_BCRYPT_COST=12 RUST_LOG="${RUST_LOG:-warn}" \
        "$tutti_bin_release" seed-demo >"$work/$kind-seed.log" 2>&1 || { cat "$work/$kind-seed.log"; die "tutti seed-demo failed on $kind"; }

    start_server "$kind" "$database_url" "$data_dir" local

    # Both tokens first: the login scenario may use up the login throttle's budget.
    login_body='{"site":"conservatoire","login":"famille.demo","password":"Demo-Famille-2026"}'
    token="$(curl -fsS -H 'Content-Type: application/json' -d "$login_body" "$base/api/v1/auth/login" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')" \
        || die "could not log in as famille.demo on $kind"
    if wants uploads; then
        staff_token="$(curl -fsS -H 'Content-Type: application/json' \
            -d '{"site":"conservatoire","login":"admin.demo","password":"Demo-Admin-2026"}' "$base/api/v1/auth/login" \
            | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')" \
            || die "could not log in as admin.demo on $kind"
    fi

    local account_args=(-H "Authorization: Bearer $token" "$base/api/v1/account")
    local login_args=(-m POST -H 'Content-Type: application/json' -d "$login_body" "$base/api/v1/auth/login")

    if wants account; then
        say "$kind: GET /api/v1/account, 64 connections, ${seconds}s"
        oha --no-tui --output-format json -w -z "${seconds}s" -c 64 "${account_args[@]}" >"$work/$kind-account.json"
        results+=("$(summarise "$kind: GET account (c=64)" "$work/$kind-account.json")")
    fi

    if wants login; then
        say "$kind: POST /api/v1/auth/login, 8 connections, ${seconds}s"
        oha --no-tui --output-format json -w -z "${seconds}s" -c 8 "${login_args[@]}" >"$work/$kind-login.json"
        results+=("$(summarise "$kind: POST login (c=8)" "$work/$kind-login.json")")
    fi

    if wants mixed; then
        say "$kind: both at once, ${seconds}s"
        oha --no-tui --output-format json -w -z "${seconds}s" -c 8 "${login_args[@]}" >"$work/$kind-mixed-login.json" &
        local login_pid=$!
        oha --no-tui --output-format json -w -z "${seconds}s" -c 64 "${account_args[@]}" >"$work/$kind-mixed-account.json"
        wait "$login_pid"
        results+=("$(summarise "$kind: GET account during logins" "$work/$kind-mixed-account.json")")
        results+=("$(summarise "$kind: POST login during GETs" "$work/$kind-mixed-login.json")")
    fi

    if wants uploads; then
        # One piece per connection: two uploads of one piece at once may answer 409
        # stale_version (PostgreSQL), which would measure the race, not the uploads.
        i=0
        while read -r type_id student_id; do
            make_upload_body "$work/upload-body-$i.bin" "$work/upload.pdf" "$upload_boundary" "$type_id" "${student_id:-}"
            i=$((i + 1))
        done < <(upload_pieces "$base" "$token" "$staff_token" "$upload_connections")
        [ "$i" -eq "$upload_connections" ] || die "famille.demo has $i pieces on $kind, $upload_connections needed"
        local serving=local
        for storage in $storages; do
            if [ "$storage" != "$serving" ]; then
                stop_server
                start_server "$kind" "$database_url" "$data_dir" "$storage"
                serving="$storage"
            fi
            bench_uploads "$kind" "$storage" "$token"
        done
    fi

    stop_server
    if [ "$kind" = postgres ]; then
        psql "$pg_base_url/postgres" -qc "DROP DATABASE IF EXISTS $pg_database WITH (FORCE)" && say "PostgreSQL database $pg_database dropped"
        pg_database=""
    fi
}

if wants uploads; then
    upload_boundary="tutti-bench-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
    make_upload_pdf "$work/upload.pdf" "$upload_bytes" || die "could not write the upload PDF"
    if wants_storage s3; then start_moto; fi
fi

for kind in $databases; do
    bench_database "$kind"
done

printf '\n\033[1mTutti API benchmark\033[0m  (%s cores, %ss per run, bcrypt cost 12, release build; load average at start: %s, at end: %s)\n' \
    "$(nproc)" "$seconds" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2059
printf "$row_format\n" "scenario" "req/s" "MB/s" "p50 ms" "p99 ms" "statuses"
printf '%s\n' "${results[@]}"
