#!/usr/bin/env python3
"""Writes the tables of lib/src/auth/nfkc.cpp (nfkc_tables.hpp) and saslprep.cpp (saslprep_tables.hpp) into a
folder of the build directory at build time; never committed.

NFKC (Unicode Standard Annex #15) from the Unicode Character Database files of Debian's `unicode-data` package:
  - decompositions, one level each, canonical and compatibility (UnicodeData.txt field 5); the C++ side recurses;
  - canonical combining classes (field 3), as runs;
  - canonical composition pairs: two-character canonical decompositions minus CompositionExclusions.txt, minus
    non-starter decompositions (together UAX #15's Full_Composition_Exclusion; singletons have one character).
  Hangul syllables are algorithmic on the C++ side and absent here.
RFC 3454's tables are defined on Unicode 3.2, which the current UCD cannot give: they come from Python's `stringprep`
module and `unicodedata.ucd_3_2_0` (which exist to implement RFC 3454): B.1, C.1.2, A.1 (unassigned), RFC 4013
§2.3's prohibited output (C.1.2, C.2.1, C.2.2, C.3-C.9), D.1 (RandALCat) and D.2 (LCat).

usage: gen-saslprep-tables.py <UnicodeData.txt> <CompositionExclusions.txt> <output folder>
"""
import os
import stringprep
import sys
import unicodedata

MAX_CP = 0x10FFFF


def read_ucd(path):
    decomp, ccc = {}, {}
    first = None
    with open(path, encoding='utf-8') as f:
        for line in f:
            fields = line.rstrip('\n').split(';')
            cp = int(fields[0], 16)
            if fields[1].endswith(', First>'):
                first = cp
                continue
            cps = range(first, cp + 1) if fields[1].endswith(', Last>') else (cp,)
            if int(fields[3]):
                for c in cps:
                    ccc[c] = int(fields[3])
            if fields[5]:
                parts = fields[5].split()
                compat = parts[0].startswith('<')
                decomp[cp] = (compat, [int(p, 16) for p in (parts[1:] if compat else parts)])
    return decomp, ccc


def read_exclusions(path):
    out = set()
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#')[0].strip()
            if line:
                out.add(int(line, 16))
    return out


def ranges_from_set(cps):
    out = []
    for c in sorted(cps):
        if out and out[-1][1] == c - 1:
            out[-1] = (out[-1][0], c)
        else:
            out.append((c, c))
    return out


def rfc3454_sets():
    u32 = unicodedata.ucd_3_2_0
    sp = stringprep
    b1, c12, a1, prohibited, d1, d2 = set(), set(), set(), set(), set(), set()
    for c in range(MAX_CP + 1):
        ch = chr(c)
        if sp.in_table_b1(ch):
            b1.add(c)
        if sp.in_table_c12(ch):
            c12.add(c)
        if sp.in_table_a1(ch):
            a1.add(c)
        if (sp.in_table_c12(ch) or sp.in_table_c21_c22(ch) or sp.in_table_c3(ch) or sp.in_table_c4(ch)
                or sp.in_table_c5(ch) or sp.in_table_c6(ch) or sp.in_table_c7(ch) or sp.in_table_c8(ch)
                or sp.in_table_c9(ch)):
            prohibited.add(c)
        bidi = u32.bidirectional(ch)
        if bidi in ('R', 'AL'):
            d1.add(c)
        elif bidi == 'L':
            d2.add(c)
    return b1, c12, a1, prohibited, d1, d2


def emit(out, name, ctype, items):
    out.append(f'inline constexpr {ctype} {name}[] = {{')
    line = ''
    for item in items:
        if len(line) + len(item) > 110:
            out.append('    ' + line.rstrip())
            line = ''
        line += item + ' '
    if line:
        out.append('    ' + line.rstrip())
    out.append('};')


def emit_numbers(out, name, ctype, values):
    emit(out, name, ctype, [f'0x{v:X},' for v in values])


def emit_ranges(out, name, cps):
    emit(out, name, 'CodeRange', [f'{{0x{a:X}, 0x{b:X}}},' for a, b in ranges_from_set(cps)])


def main():
    ucd_path, excl_path, out_dir = sys.argv[1:4]
    decomp, ccc = read_ucd(ucd_path)
    exclusions = read_exclusions(excl_path)

    # Decompositions, one level. Single-character mappings to consecutive targets become runs (fullwidth forms,
    # mathematical alphanumerics); a run's pool holds its first target only. Pool: UTF-16 code units, in entry
    # order, so an entry's length is the next entry's offset minus its own.
    entries, pool = [], []
    cps = sorted(decomp)
    i = 0
    while i < len(cps):
        cp = cps[i]
        mapping = decomp[cp][1]
        run = 1
        if len(mapping) == 1:
            while (i + run < len(cps) and run < 255 and cps[i + run] == cp + run
                   and len(decomp[cps[i + run]][1]) == 1 and decomp[cps[i + run]][1][0] == mapping[0] + run):
                run += 1
        entries.append((cp, run, len(pool)))
        for m in mapping:
            if m >= 0x10000:
                pool += [0xD800 | ((m - 0x10000) >> 10), 0xDC00 | ((m - 0x10000) & 0x3FF)]
            else:
                pool.append(m)
        i += run
    assert len(pool) < 1 << 16 and len(entries) < 1 << 16

    # Combining classes as runs: (start << 8) | class, from 0 (class 0).
    ccc_runs, prev = [], None
    for c in range(MAX_CP + 1):
        k = ccc.get(c, 0)
        if k != prev:
            ccc_runs.append((c << 8) | k)
            prev = k

    # Composition: the decomposition entries of primary composites, sorted by their (first, second) pair.
    index_of = {e[0]: n for n, e in enumerate(entries)}
    pairs = []
    for cp, (compat, mapping) in decomp.items():
        if compat or len(mapping) != 2 or cp in exclusions:
            continue
        if ccc.get(cp, 0) != 0 or ccc.get(mapping[0], 0) != 0:
            continue  # a non-starter decomposition
        assert entries[index_of[cp]][1] == 1
        pairs.append((mapping[0], mapping[1], index_of[cp]))
    pairs.sort()

    b1, c12, a1, prohibited, d1, d2 = rfc3454_sets()

    source = (f'// Generated by scripts/gen-saslprep-tables.py from {os.path.basename(ucd_path)}, '
              f"{os.path.basename(excl_path)} and Python {sys.version.split()[0]}'s stringprep (Unicode 3.2).")
    head = [source, '// Not committed: the build writes it.', '#pragma once', '', '#include <cstdint>', '']

    out = head + ['namespace edgepg::auth::nfkc_tables {', '',
           '// Decompositions: (code point << 8) | run length, sorted. Entry i maps to decomp_pool[decomp_offsets[i]]',
           '// up to decomp_offsets[i + 1] (UTF-16); in a run, code point + k maps to the first target + k.']
    emit_numbers(out, 'decomp_keys', 'std::uint32_t', [(cp << 8) | run for cp, run, _ in entries])
    emit_numbers(out, 'decomp_offsets', 'std::uint16_t', [off for _, _, off in entries] + [len(pool)])
    emit_numbers(out, 'decomp_pool', 'std::uint16_t', pool)
    out.append('// Canonical combining classes: (first code point of a run << 8) | class.')
    emit_numbers(out, 'ccc_runs', 'std::uint32_t', ccc_runs)
    out.append('// Canonical composition: decomposition entries (the composite is their code point), sorted by pair.')
    emit_numbers(out, 'compose_entries', 'std::uint16_t', [n for _, _, n in pairs])
    out += ['', '}  // namespace edgepg::auth::nfkc_tables', '']
    write(os.path.join(out_dir, 'nfkc_tables.hpp'), out)

    out = head + ['namespace edgepg::auth::saslprep_tables {', '',
                  'struct CodeRange {', '  std::uint32_t first;', '  std::uint32_t last;', '};', '',
                  '// RFC 3454 tables (Unicode 3.2), sorted ranges.']
    emit_ranges(out, 'mapped_to_nothing', b1)
    emit_ranges(out, 'non_ascii_space', c12)
    emit_ranges(out, 'unassigned', a1)
    emit_ranges(out, 'prohibited_output', prohibited)
    emit_ranges(out, 'rand_al_cat', d1)
    emit_ranges(out, 'l_cat', d2)
    out += ['', '}  // namespace edgepg::auth::saslprep_tables', '']
    write(os.path.join(out_dir, 'saslprep_tables.hpp'), out)


def write(path, lines):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + '.tmp', 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines))
    os.replace(path + '.tmp', path)


if __name__ == '__main__':
    main()
