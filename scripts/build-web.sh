#!/usr/bin/env bash
# Builds the SPA twice (release), for `make web`, `make run` and `make test`:
#
#   dist/        the family build (crates/web/index.html): what families' phones load
#   dist/admin/  the administration's build (crates/web/admin.html, `admin` feature),
#                which the server answers for /admin and /admin/*
#
# then finishes both for serving (scripts/finish-web.mjs): trunk's inline loader removed
# (start.js starts the app), and a .gz and a .br beside every file, which the server
# sends to browsers that accept them.
#
# The family build first: trunk empties its dist directory, so that it also drops a
# stale dist/admin, which the second build then writes afresh.
set -euo pipefail
script_name=build-web
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$repo"

say "building the family app into dist/"
trunk build --release || die "trunk build (family) failed"
say "building the administration into dist/admin/"
trunk build crates/web/admin.html --release --dist dist/admin --public-url /admin/ \
    || die "trunk build (administration) failed"
say "removing trunk's inline loader, compressing (gzip -9, brotli) beside each file"
node scripts/finish-web.mjs dist || die "finishing dist/ failed"
