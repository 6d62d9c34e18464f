#!/usr/bin/env python3
"""Writes nfkc.txt: NFKC vectors computed with Python's unicodedata.normalize('NFKC', ...) (Unicode 14.0 in
Python 3.11), for tests/unit/saslprep_test.cpp. Deterministic (fixed seed). Only characters assigned in Python's
Unicode version are drawn, so the build's newer UCD gives the same answers.

usage: python3 generate.py > nfkc.txt
"""
import random
import sys
import unicodedata

HAND = [
    'IX-\u2168', '\u2168', '\u00AA', '\uFB01', '\u00BD', '\u338F', '\uFDFA', '\uFF21\uFF42\uFF43',
    '\U0001D400\U0001D41A', '\u212B', '\u0344', '\u0958', 'e\u0301', 'a\u0328\u0301', 'a\u0301\u0328',
    'a\u0323\u0302', '\u1100\u1161\u11A8', '\uAC00\u11A8', '\uD4DB', '\u1100\u1161', '\u3131', '\u2F800',
    '\U0002F800', '\U0002F81F', '\u0041\u030A\u0301', 'A\u0300\u0315\u0300', '\u1E9B\u0323', '\u01C4', '\u3392',
    '\u32FF', '\u0B47\u0B3E', '\u0CC6\u0CC2\u0CD5', 'x\u0308\u0304', '\u0CCB', 'ẛ̣', 'Å', '\u2000\u00A0',
    '\u0300a', '\u0301\u0301', 'o\u0308\u0301', '\u2126', 'K\u212A',
]


def draw_pool():
    pool = []
    for c in range(0x110000):
        ch = chr(c)
        if unicodedata.category(ch) in ('Cn', 'Cs', 'Co'):
            continue
        if unicodedata.decomposition(ch) or unicodedata.combining(ch) or 0x1100 <= c <= 0x11FF or 0xAC00 <= c <= 0xD7A3:
            pool.append(ch)
    return pool


def main():
    rng = random.Random(4013)
    pool = draw_pool()
    plain = [chr(c) for c in range(0x20, 0x7F)]
    cases = list(HAND)
    for _ in range(3000):
        n = rng.randint(1, 6)
        cases.append(''.join(rng.choice(pool) if rng.random() < 0.8 else rng.choice(plain) for _ in range(n)))
    out = sys.stdout
    out.write(f'# NFKC vectors from Python {sys.version.split()[0]} unicodedata {unicodedata.unidata_version}: '
              'input code points ; NFKC code points (hex). Written by generate.py; do not edit.\n')
    for s in cases:
        n = unicodedata.normalize('NFKC', s)
        out.write(' '.join(f'{ord(c):X}' for c in s) + ';' + ' '.join(f'{ord(c):X}' for c in n) + '\n')


if __name__ == '__main__':
    main()
