#!/usr/bin/env bash
# Samples a running `vigie serve` every 100 ms until it exits: its resident and anonymous memory
# in MB of 10^6 bytes, the benchmark's unit (/proc/PID/smaps_rollup), beside the store's and the
# runtime's gauges from /metrics, one tab-separated line per sample. Run it beside `bench/run.sh`
# to see what the peak RSS is made of:
#   bench/sample-memory.sh > samples.tsv &
#   bench/run.sh --events 10000000 --no-clickhouse --encodings plain --runs 1
# It waits for a `vigie ... serve` process started after it and follows that one; on a machine where
# other servers run, pass a pattern of its command line (e.g. the path given to --vigie-dll):
#   bench/sample-memory.sh /tmp/other-build/vigie.dll > samples.tsv &
set -euo pipefail
pattern="${1:-vigie.dll} serve"
interval="${2:-0.1}"
before=" $(pgrep -d ' ' -f "$pattern" || true) "
pid=""
while [ -z "$pid" ]; do
  for p in $(pgrep -f "$pattern" || true); do
    [[ "$before" == *" $p "* ]] || [ "$(cat "/proc/$p/comm" 2>/dev/null)" != dotnet ] || pid="$p"
  done
  [ -z "$pid" ] && sleep 0.2
done
port="$(tr '\0' '\n' < "/proc/$pid/cmdline" | grep -A1 -x -- '--listen' | tail -1 | sed 's/.*://')"
port="${port:-9880}" # the default of `vigie serve`
echo "# pid $pid port $port" >&2
metrics='^(vigie_memtable_bytes|vigie_flushes_total|vigie_flush_duration_seconds_sum|vigie_merges_total|vigie_merges_running|vigie_merge_source_bytes_running|vigie_store_events_total|vigie_parts|vigie_backpressure_waits_total|dotnet_gc_heap_bytes|dotnet_gc_committed_bytes|dotnet_gc_collections_total\{generation="2"\}|process_cpu_seconds_total|vigie_idle_trims_total) '
header=0
start="$EPOCHREALTIME"
while [ -e "/proc/$pid" ]; do
  now="$EPOCHREALTIME"
  # MB of 10^6 bytes, as the benchmark prints its peak (/proc counts KiB).
  mem="$(awk '/^Rss:/{r=$2} /^Anonymous:/{a=$2} END{printf "%.1f\t%.1f", r*1.024/1000, a*1.024/1000}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo "0	0")"
  m="$(curl -s --max-time 0.5 "http://127.0.0.1:$port/metrics" 2>/dev/null | grep -E "$metrics" || true)"
  if [ "$header" = 0 ] && [ -n "$m" ]; then
    printf 't\trss_mb\tanon_mb\t%s\n' "$(echo "$m" | awk '{printf "%s\t", $1}')"
    header=1
  fi
  [ -n "$m" ] && printf '%.1f\t%s\t%s\n' "$(awk -v a="$now" -v b="$start" 'BEGIN{print a-b}')" "$mem" "$(echo "$m" | awk '{printf "%s\t", $2}')"
  sleep "$interval"
done
