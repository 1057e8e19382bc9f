#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, once: the tests use real processes and real
# file systems (tmpfs for the full-disk test), so they need mount (util-linux) and procps; the web
# UI's browser tests drive Debian's Chromium (no browser download is needed).
set -euo pipefail
need=()
command -v mount >/dev/null || need+=(mount)
command -v pkill >/dev/null || need+=(procps)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: need root to install: ${need[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
