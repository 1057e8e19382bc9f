#!/usr/bin/env bash
# What an idle server holds after an ingest: starts `vigie serve` on a fresh data directory, sends an
# NDJSON corpus with curl (16 MB bodies, 4 in flight, as the benchmark does), waits until the part
# count has stayed the same for 10 s, runs one query, then prints the resident memory every 10 s
# and, at the end, its breakdown by kind of mapping (from /proc/PID/smaps).
#
#   bench/idle-rss.sh CORPUS.ndjson [SECONDS] [VIGIE_DLL]
#
# CORPUS: e.g. the corpus.ndjson that `bench/run.sh --events 1000000 --keep` leaves in its working
# directory. SECONDS to watch after the query (default 60). VIGIE_DLL: default .build/vigie.dll
# (built by ./vigie). Set KEEP=1 to leave the server running (for dotnet-dump); its PID is printed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="${1:?usage: bench/idle-rss.sh CORPUS.ndjson [SECONDS] [VIGIE_DLL]}"
watch="${2:-60}"
dll="${3:-$root/.build/vigie.dll}"
if [ ! -f "$dll" ]; then
  "$root/vigie" version >/dev/null
fi

work="$(mktemp -d)"
mkdir -p "$work/data" "$work/chunks"
split -C 16M -d -a 4 "$corpus" "$work/chunks/c"
# A port nothing listens on (a connection to it is refused).
while :; do
  port=$((20000 + RANDOM % 40000))
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
done
url="http://127.0.0.1:$port"
dotnet "$dll" serve --data "$work/data" --listen "127.0.0.1:$port" --syslog-udp off --syslog-tcp off \
  --gelf-udp off --gelf-tcp off --fluent off --otlp-grpc off >"$work/server.log" 2>&1 &
pid=$!
cleanup() {
  if [ -z "${KEEP:-}" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$work"
  fi
}
trap cleanup EXIT
for _ in $(seq 150); do
  curl -sf "$url/healthz" >/dev/null && break
  sleep 0.2
done

# MB of 10^6 bytes, as the benchmark prints them (the kernel counts in KiB: 77 MiB are 80.7 MB).
rss() { awk '/^(VmRSS|RssAnon|RssFile|RssShmem):/ { printf "%s %.1f MB  ", $1, $2 * 1024 / 1e6 }' "/proc/$pid/status"; }

ls "$work"/chunks/c* | xargs -P 4 -I{} curl -sf -o /dev/null -X POST --data-binary @{} "$url/api/v1/ingest?stream=host,service"
last=""
stable=0
while [ "$stable" -lt 10 ]; do
  sleep 2
  now="$(curl -s "$url/metrics" | grep -E '^(vigie_parts|vigie_stored_events) ' | tr '\n' ' ')"
  if [ "$now" = "$last" ]; then stable=$((stable + 2)); else stable=0; last="$now"; fi
done
echo "settled: $last"
echo "settled: $(rss)"
curl -s -o /dev/null "$url/api/v1/query?q=error+%7C+stats+count()"
for ((t = 10; t <= watch; t += 10)); do
  sleep 10
  echo "+${t}s: $(rss)"
done

# Resident memory by kind of mapping: the runtime's and the assemblies' files, the double-mapped
# code and loader heaps (memfd:doublemapper), anonymous memory (the managed heap among it) and
# the C library's heap; and of the files' pages, those another process maps too (other .NET
# processes map the same runtime files; the kernel does not reclaim such a page for this one).
awk '
  /^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6) ? $6 : "[anon]"; next }
  /^Rss:/ {
    kind = name ~ /doublemapper/ ? "doublemapper" : name ~ /^\// ? "files" : name == "[heap]" ? "c-heap" : "anonymous"
    kb[kind] += $2
  }
  /^Shared_(Clean|Dirty):/ && name ~ /^\// && name !~ /doublemapper/ { kb["files-shared"] += $2 }
  END { for (k in kb) printf "%-12s %6.1f MB\n", k, kb[k] * 1024 / 1e6 }' "/proc/$pid/smaps" | sort -k2 -n -r
echo "managed heap: $(curl -s "$url/metrics" | awk '/^dotnet_gc_heap_bytes / { printf "%.1f MB", $2 / 1e6 }')"
if [ -n "${KEEP:-}" ]; then
  echo "server left running: PID $pid, $url, data in $work"
fi
