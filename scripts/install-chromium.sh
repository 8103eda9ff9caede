#!/bin/sh
# Installs Debian's Chromium for the dashboard's end-to-end tests (test/e2e/), which drive it with
# playwright-core. Nothing is downloaded from outside Debian's package archive.
# - Chromium already at /usr/bin/chromium: prints its version and exits 0.
# - Running as root: `apt-get update && apt-get install -y chromium`.
# - Otherwise: prints what to install and exits 1.
set -eu

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "chromium present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing ($CHROMIUM). Install Debian's package as root:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium fonts-noto-cjk
echo "chromium installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
