#!/usr/bin/env bash
# Installs what bench/run.sh needs on a Debian machine: ClickHouse (server and client).
# Idempotent: does nothing when the packages are already installed. The benchmark starts its own
# clickhouse-server on a temporary directory, so the system service is kept from starting.
set -euo pipefail

packages=(clickhouse-server clickhouse-client)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: ${packages[*]} already installed"
else
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  # policy-rc.d exit code 101 tells invoke-rc.d not to start services during installation.
  policy=/usr/sbin/policy-rc.d
  added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    added_policy=1
  fi
  trap '[ -n "$added_policy" ] && $sudo rm -f "$policy"' EXIT
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET SDK (see global.json) is also needed: https://dot.net" >&2
  exit 1
fi

for b in /usr/bin/clickhouse-server /usr/sbin/clickhouse-server /usr/bin/clickhouse; do
  if [ -x "$b" ]; then
    echo "setup: ClickHouse found at $b"
    exit 0
  fi
done
echo "setup: ClickHouse was installed but no server binary was found" >&2
exit 1
