#!/usr/bin/env bash
# Make sure headless Chromium (prints report.pdf), poppler-utils (pdftoppm/pdftotext, used by the
# report tests) and a font with Vietnamese glyphs are present.
# Installs them through the system package manager when missing and permitted (root, or sudo
# without a password); otherwise says plainly what to install. Never fails: without Chromium,
# `bottleneck report` still writes report.html, report.md and figures/, warns that report.pdf
# was skipped, and the Chromium tests skip saying why.
set -u
have_chromium() {
  for c in chromium chromium-browser google-chrome google-chrome-stable; do
    command -v "$c" >/dev/null 2>&1 && return 0
  done
  return 1
}
have_poppler() { command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; }
have_font() { ! command -v fc-list >/dev/null 2>&1 || fc-list 2>/dev/null | grep -qi "DejaVu Sans"; }
if have_chromium && have_poppler && have_font; then
  exit 0
fi
as_root=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
fi
if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = "0" ] || [ -n "$as_root" ]; }; then
  pkgs="chromium poppler-utils fonts-dejavu-core"
  echo "Installing Chromium, poppler-utils and fonts with apt-get ($pkgs)…"
  export DEBIAN_FRONTEND=noninteractive
  $as_root apt-get update -qq >/dev/null 2>&1 || true
  $as_root apt-get install -y -qq $pkgs >/dev/null 2>&1 || echo "apt-get could not install $pkgs"
elif command -v brew >/dev/null 2>&1; then
  echo "Installing Chromium and poppler with Homebrew…"
  have_chromium || brew install --cask chromium || true
  have_poppler || brew install poppler || true
elif command -v dnf >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  dnf install -y chromium poppler-utils dejavu-sans-fonts || true
fi
if ! have_chromium; then
  cat >&2 <<'MSG'
warning: Chromium is not installed and could not be installed automatically.
  Install it (Debian: sudo apt-get install chromium; Ubuntu: the chromium snap or Google
  Chrome; macOS: brew install --cask chromium), or point BOTTLENECK_CHROMIUM at a Chrome or
  Chromium executable. Until then `bottleneck report` writes report.html, report.md and
  figures/ but skips report.pdf (with a warning), and the browser tests are skipped.
MSG
fi
if ! have_poppler; then
  cat >&2 <<'MSG'
warning: poppler-utils (pdftoppm, pdftotext) is not installed: the PDF tests are skipped.
  Install it with: sudo apt-get install poppler-utils (macOS: brew install poppler).
MSG
fi
exit 0
