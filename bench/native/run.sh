#!/usr/bin/env bash
# edgepg's native face beside libpq over TCP to a throwaway PostgreSQL 15 (scripts/with-services.js): a
# 100,000-row fetch (3 columns) and 2,000 sequential parameterised `select $1::int`. Both programs run in turns
# (libpq, edgepg, libpq, edgepg ...); the table gives the medians of all samples and the edgepg/libpq ratio. Then
# the connect path (bench/native/connect.js): libpq and edgepg straight to PostgreSQL, edgepg through the gateway.
# Usage: bench/native/run.sh [rounds per process (default 5)] [processes per side (default 3)]
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=${EDGEPG_JOBS:-2}
rounds=${1:-5}
turns=${2:-3}

if [ "${BENCH_INSIDE:-}" = 1 ]; then
  port=$(node -e 'process.stdout.write(String(JSON.parse(process.env.EDGEPG_TEST_SERVICES).pgPort))')
  conninfo="host=127.0.0.1 port=$port user=scram_user password=scram-pässword-1 dbname=edgepg_test sslmode=disable"
  for _ in $(seq "$turns"); do
    "$BENCH_DIR/build/libpq_bench" "$conninfo" "$rounds" | sed 's/^/libpq /' >>"$BENCH_DIR/samples"
    "$BENCH_DIR/build/edgepg_bench" "$conninfo" "$rounds" | sed 's/^/edgepg /' >>"$BENCH_DIR/samples"
  done
  node bench/native/connect.js "$BENCH_DIR" 50 "$turns"  # the connect path, with the gateway
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$jobs" --target edgepg edgepg-gateway >/dev/null
cmake --install build/native --prefix "$work/prefix" >/dev/null
cmake -S bench/native -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" -j"$jobs" >/dev/null
BENCH_INSIDE=1 BENCH_DIR=$work node scripts/with-services.js bench/native/run.sh "$rounds" "$turns"

node - "$work/samples" <<'JS'
const lines = require('node:fs').readFileSync(process.argv[2], 'utf8').trim().split('\n')
const samples = {}
for (const l of lines) {
  const [who, what, ms] = l.split(' ')
  ;((samples[what] ??= {})[who] ??= []).push(Number(ms))
}
const median = (a) => {
  const s = [...a].sort((x, y) => x - y)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const names = { fetch: '100,000-row fetch (3 columns)', sequential: '2,000 sequential `select $1::int`' }
console.log('| case (TCP, PostgreSQL 15, same machine) | libpq median | edgepg median | edgepg / libpq | samples |')
console.log('|---|---:|---:|---:|---:|')
for (const what of ['fetch', 'sequential']) {
  const l = median(samples[what].libpq)
  const e = median(samples[what].edgepg)
  console.log(`| ${names[what]} | ${l.toFixed(1)} ms | ${e.toFixed(1)} ms | ${(e / l).toFixed(2)}x | ${samples[what].edgepg.length} |`)
}
const c = samples.connect
const libpq = median(c['libpq-direct'])
console.log('\n| connect + `select 1` + close (TCP, same machine) | median | / libpq direct | samples |')
console.log('|---|---:|---:|---:|')
for (const [who, label] of [['libpq-direct', 'libpq, straight to PostgreSQL (SCRAM)'],
  ['edgepg-direct', 'edgepg, straight to PostgreSQL (SCRAM)'],
  ['edgepg-gateway', "edgepg through edgepg-gateway's PG listener (token, warm backends)"]]) {
  const m = median(c[who])
  console.log(`| ${label} | ${m.toFixed(2)} ms | ${(m / libpq).toFixed(2)}x | ${c[who].length} |`)
}
JS
