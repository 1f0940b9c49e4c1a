#!/usr/bin/env bash
# Make sure PostgreSQL's server programs (initdb, pg_ctl) are present for the engine tests,
# which start their own server in a temporary folder. Installs Debian's `postgresql` package
# when missing and permitted (no server is started or enabled by this script); otherwise says
# what to install. Never fails: without the programs those tests are skipped, saying why.
set -u
have_pg() {
  { command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; } ||
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
if have_pg; then
  exit 0
fi
as_root=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
fi
if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = "0" ] || [ -n "$as_root" ]; }; then
  echo "Installing PostgreSQL with apt-get (postgresql)…"
  export DEBIAN_FRONTEND=noninteractive
  $as_root apt-get update -qq >/dev/null 2>&1 || true
  $as_root apt-get install -y -qq postgresql >/dev/null 2>&1 || echo "apt-get could not install postgresql"
elif command -v brew >/dev/null 2>&1; then
  brew install postgresql || true
fi
if ! have_pg; then
  echo "warning: PostgreSQL is not installed; the PostgreSQL engine tests will be skipped" \
    "(Debian/Ubuntu: sudo apt-get install postgresql)." >&2
fi
exit 0
