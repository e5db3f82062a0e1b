#!/usr/bin/env bash
# `make run`: install what is missing, build the SPA and the server, seed the demo data
# and serve everything on http://127.0.0.1:8080 (TUTTI_BIND to change it).
set -euo pipefail
script_name=run
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$repo"

"$repo/scripts/setup-tools.sh"

"$repo/scripts/build-web.sh"

# A debug build keeps the first start short; bcrypt is optimised even there (Cargo.toml).
say "building the server (cargo build -p tutti-api)"
cargo build -p tutti-api || die "cargo build -p tutti-api failed"

export TUTTI_WEB_DIR="${TUTTI_WEB_DIR:-$repo/dist}"
export TUTTI_BIND="${TUTTI_BIND:-127.0.0.1:8080}"

say "seeding the demo data (tutti seed-demo; data in ${TUTTI_DATA_DIR:-./data})"
"$tutti_bin_debug" seed-demo || die "tutti seed-demo failed"

cat <<BANNER

  Tutti is starting on  http://$TUTTI_BIND/   (demo logins above, site "Conservatoire 1")
  API reference:        http://$TUTTI_BIND/api/docs/
  Stop with Ctrl-C.

BANNER
exec "$tutti_bin_debug" serve
