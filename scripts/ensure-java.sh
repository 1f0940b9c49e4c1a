#!/usr/bin/env bash
# Make sure a Java runtime (17 or newer, for PySpark 4) is present for the Spark engine tests.
# Installs Debian's `default-jre-headless` when missing and permitted; otherwise says what to
# install. Never fails: without Java those tests are skipped, saying why.
set -u
have_java() { command -v java >/dev/null 2>&1; }
if have_java; then
  exit 0
fi
as_root=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
fi
if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = "0" ] || [ -n "$as_root" ]; }; then
  echo "Installing Java with apt-get (default-jre-headless)…"
  export DEBIAN_FRONTEND=noninteractive
  $as_root apt-get update -qq >/dev/null 2>&1 || true
  $as_root apt-get install -y -qq default-jre-headless >/dev/null 2>&1 ||
    echo "apt-get could not install default-jre-headless"
elif command -v brew >/dev/null 2>&1; then
  brew install openjdk@17 || true
fi
if ! have_java; then
  echo "warning: Java is not installed; the Spark engine tests will be skipped" \
    "(Debian/Ubuntu: sudo apt-get install default-jre-headless)." >&2
fi
exit 0
