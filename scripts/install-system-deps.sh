#!/usr/bin/env bash
# Install the Debian packages the test suite needs, when they are missing: headless Chromium
# (browser tests; Playwright cannot download its own browsers here), a colour emoji font (emoji in
# captions, badges and chart labels render in the browser instead of as empty boxes) and headless
# LibreOffice Calc (tests/exports/test_csv_libreoffice.py opens exported CSV files in it: 57 packages, 90 MB) and
# Prometheus (promtool checks and unit-tests deploy/prometheus; tests/observability start a real server).
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium chromium-driver)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
{ command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || missing+=(prometheus)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "Missing Debian packages: ${missing[*]} (run as root or install them yourself)" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
