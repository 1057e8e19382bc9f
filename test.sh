#!/usr/bin/env bash
# Runs Vigie's whole test suite on a fresh Debian machine with the .NET SDK: installs what the
# tests need, builds, runs every test project, and ends with one line "N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

scripts/install-test-deps.sh || { echo "test.sh: installing the test dependencies failed" >&2; exit 1; }

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet test Vigie.slnx -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Each test project ends with a summary: "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T"
# (or "Failed!  - ..."), or, at a more verbose level, "Total tests: T" followed by "Passed: P",
# "Failed: F" and "Skipped: S" lines. Both are summed.
read -r passed failed skipped < <(awk '
  /^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/ {
    line = $0; gsub(/[^0-9,]/, " ", line); split(line, n, ",")
    f += n[1]; p += n[2]; s += n[3]; compact = 1; next
  }
  /^Total tests: [0-9]+/ { block = 1; next }
  block && /^ +Passed: [0-9]+/ { vp += $2 }
  block && /^ +Failed: [0-9]+/ { vf += $2 }
  block && /^ +Skipped: [0-9]+/ { vs += $2 }
  END { if (compact) print p+0, f+0, s+0; else print vp+0, vf+0, vs+0 }' "$log")
projects=$(grep -cE '^(Passed|Failed)! +- Failed:|^Total tests:' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # the build or a test host failed before any test could report
  failed=1
fi
echo "test projects: $projects"
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
