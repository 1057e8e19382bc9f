#!/usr/bin/env bash
# Runs Vigie's whole test suite on a fresh Debian machine with the .NET SDK: installs what the
# tests need, builds, runs every test project, and ends with one line "N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

scripts/install-test-deps.sh || { echo "test.sh: installing the test dependencies failed" >&2; exit 1; }

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet test Vigie.slnx -c Release --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Each test project prints "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T" (or "Failed!  - ...").
read -r passed failed skipped < <(grep -E '^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" |
  sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \1 \3/' |
  awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
projects=$(grep -cE '^(Passed|Failed)! +- Failed:' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # the build or a test host failed before any test could report
  failed=1
fi
echo "test projects: $projects"
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
