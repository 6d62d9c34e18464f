// Small helpers for the benchmark tables: medians, ratios, aligned printing.
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export async function timeRuns(runs, fn) {
  const times = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn(i)
    times.push(performance.now() - t0)
  }
  return median(times)
}

// Operations per second of each function in `fns`, in turns: rounds of `ms` for fns[0], then fns[1], ... (each
// call awaited, `batch` calls between clock reads); the median rate of each, in the order given.
export async function ratesInTurns(fns, { rounds = 7, ms = 250, batch = 20 } = {}) {
  globalThis.gc?.()
  const rates = fns.map(() => [])
  for (let round = 0; round < rounds; round++) {
    for (const [k, fn] of fns.entries()) {
      let n = 0
      const t0 = performance.now()
      while (performance.now() - t0 < ms) {
        for (let i = 0; i < batch; i++) await fn()
        n += batch
      }
      rates[k].push(n / ((performance.now() - t0) / 1000))
    }
  }
  return rates.map(median)
}

// Like timeRuns for several subjects at once, in turns (a, b, c, a, b, c, ...), so that each sees the same machine
// (a neighbour's burst or the collector's state do not land on one subject only). Returns { name: median ms }.
// pauseMs: an untimed pause before each run, so that what one subject leaves behind (a connection's teardown on the
// server side) is not timed against the next. A run that resolves to a function has it awaited after its time is
// taken: its own teardown (e.g. a socket's closing handshake), untimed, before the next run starts.
export async function timeInTurns(subjects, runs, fn, { pauseMs = 0 } = {}) {
  const times = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]))
  for (let i = 0; i < runs; i++) {
    for (const [name, subject] of Object.entries(subjects)) {
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs))
      const t0 = performance.now()
      const teardown = await fn(subject, i)
      times[name].push(performance.now() - t0)
      if (typeof teardown === 'function') await teardown()
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, t]) => [name, median(t)]))
}

export function fmt(ms) {
  if (ms === undefined || ms === null) return '-'
  return ms >= 100 ? ms.toFixed(0) + ' ms' : ms >= 1 ? ms.toFixed(2) + ' ms' : (ms * 1000).toFixed(0) + ' µs'
}

export function ratio(a, b) {
  return a && b ? (a / b).toFixed(2) + 'x' : '-'
}

export function printTable(title, header, rows) {
  const all = [header, ...rows]
  const widths = header.map((_, c) => Math.max(...all.map((r) => String(r[c]).length)))
  const line = (r) => '| ' + r.map((v, c) => String(v).padEnd(widths[c])).join(' | ') + ' |'
  console.log(`\n${title}\n`)
  console.log(line(header))
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|')
  for (const r of rows) console.log(line(r))
}
