#!/usr/bin/env bash
# Make sure Graphviz's `dot` and a font with Vietnamese glyphs are present.
# Installs them through the system package manager when missing and permitted; otherwise says
# plainly what to install. Never fails: without `dot`, bottleneck still writes every non-picture
# output (and process.dot) and warns.
set -u
have_dot() { command -v dot >/dev/null 2>&1; }
have_font() { ! command -v fc-list >/dev/null 2>&1 || fc-list 2>/dev/null | grep -qi "DejaVu Sans"; }
if have_dot && have_font; then
  exit 0
fi
pkgs="graphviz fonts-dejavu-core"
as_root=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
fi
if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = "0" ] || [ -n "$as_root" ]; }; then
  echo "Installing Graphviz and fonts with apt-get ($pkgs)…"
  export DEBIAN_FRONTEND=noninteractive
  $as_root apt-get update -qq >/dev/null 2>&1 || true
  $as_root apt-get install -y -qq $pkgs >/dev/null 2>&1 || echo "apt-get could not install $pkgs"
elif command -v brew >/dev/null 2>&1; then
  echo "Installing Graphviz with Homebrew…"
  brew install graphviz || true
elif command -v dnf >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  dnf install -y graphviz dejavu-sans-fonts || true
fi
if ! have_dot; then
  cat >&2 <<'MSG'
warning: Graphviz 'dot' is not installed and could not be installed automatically.
  Install it (Debian/Ubuntu: sudo apt-get install graphviz fonts-dejavu-core; macOS: brew
  install graphviz; Windows: https://graphviz.org/download/). Until then bottleneck writes
  analysis.json, the CSV tables and process.dot, but no SVG/PNG/PDF pictures.
MSG
fi
exit 0
