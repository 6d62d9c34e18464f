#!/usr/bin/env python3
"""Appends one fuzzing run of one target to tests/fuzz/STATS.md and recomputes the cumulative totals.

Called by scripts/fuzz after each target:
    stats.py STATS.md DATE COMMIT TARGET SECONDS EXECUTIONS CRASHES CORPUS_FILES CORPUS_KIB
The runs table is the record (one row a target a run, never rewritten); the totals table is computed from it.
"""
import os
import sys
import tempfile

GOAL = 10_000_000  # executions per target, the long-term goal (issue #19)

HEADER = """# Fuzzing statistics

Written by `scripts/fuzz` (libFuzzer + ASan + UBSan, one target at a time): after each target's run, what it found
is merged into `tests/fuzz/corpus/<target>/` and a row is added below, so every run starts where the last one
stopped and the executions add up. `scripts/fuzz --budget SECONDS` fuzzes every target for an even share of the
budget. Commit: `git rev-parse --short HEAD` of the code under test (`+`: the work tree's `lib/` or `bindings/`
differed from it). Crashes: inputs that crashed, broke an invariant or timed out (copied to `tests/fuzz/crashes/`).
Goal: 10 million executions per target.
"""


def fmt(n):
    return f'{n:,}'


def parse_rows(text):
    rows = []
    in_runs = False
    for line in text.splitlines():
        if line.startswith('## Runs'):
            in_runs = True
            continue
        if line.startswith('## '):
            in_runs = False
        if not in_runs or not line.startswith('| ') or line.startswith('| date') or line.startswith('|---'):
            continue
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) != 9:
            continue
        date, commit, target, seconds, execs, _rate, crashes, files, kib = cells
        rows.append({'date': date, 'commit': commit, 'target': target, 'seconds': int(seconds.replace(',', '')),
                     'execs': int(execs.replace(',', '')), 'crashes': int(crashes), 'files': files, 'kib': kib})
    return rows


def render(rows):
    out = [HEADER, '## Totals', '',
           '| target | runs | seconds | executions | crashes | corpus files | corpus KiB | toward 10M |',
           '|---|---:|---:|---:|---:|---:|---:|---:|']
    targets = []
    for r in rows:
        if r['target'] not in targets:
            targets.append(r['target'])
    total = {'runs': 0, 'seconds': 0, 'execs': 0, 'crashes': 0}
    for t in sorted(targets):
        mine = [r for r in rows if r['target'] == t]
        runs, seconds = len(mine), sum(r['seconds'] for r in mine)
        execs, crashes = sum(r['execs'] for r in mine), sum(r['crashes'] for r in mine)
        last = mine[-1]
        out.append(f'| {t} | {runs} | {fmt(seconds)} | {fmt(execs)} | {crashes} | {last["files"]} | {last["kib"]} | '
                   f'{min(100.0, 100.0 * execs / GOAL):.1f}% |')
        total['runs'] += runs
        total['seconds'] += seconds
        total['execs'] += execs
        total['crashes'] += crashes
    out.append(f'| all | {total["runs"]} | {fmt(total["seconds"])} | {fmt(total["execs"])} | {total["crashes"]} '
               f'| | | |')
    out += ['', '## Runs', '',
            '| date (UTC) | commit | target | seconds | executions | exec/s | crashes | corpus files | corpus KiB |',
            '|---|---|---|---:|---:|---:|---:|---:|---:|']
    for r in rows:
        rate = r['execs'] // max(1, r['seconds'])
        out.append(f'| {r["date"]} | {r["commit"]} | {r["target"]} | {fmt(r["seconds"])} | {fmt(r["execs"])} | '
                   f'{fmt(rate)} | {r["crashes"]} | {r["files"]} | {r["kib"]} |')
    return '\n'.join(out) + '\n'


def main(argv):
    if len(argv) != 10:
        sys.exit(__doc__)
    path, date, commit, target, seconds, execs, crashes, files, kib = argv[1:]
    text = open(path).read() if os.path.exists(path) else ''
    rows = parse_rows(text)
    rows.append({'date': date, 'commit': commit, 'target': target, 'seconds': int(seconds), 'execs': int(execs),
                 'crashes': int(crashes), 'files': files, 'kib': kib})
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix='.STATS.')
    with os.fdopen(fd, 'w') as f:
        f.write(render(rows))
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


if __name__ == '__main__':
    main(sys.argv)
