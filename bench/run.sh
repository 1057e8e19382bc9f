#!/usr/bin/env bash
# Runs the Vigie vs ClickHouse benchmark; arguments go to vigie-bench (e.g. --events 10000000).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet build bench/Vigie.Bench -c Release --nologo -v quiet >/dev/null
exec dotnet bench/Vigie.Bench/bin/Release/net10.0/vigie-bench.dll "$@"
