#!/usr/bin/env python3
"""Writes nfc-expectations.json: [input, NFC(input)] pairs from Python's unicodedata, for the managed NFC.

Run: python3 generate-nfc-expectations.py > nfc-expectations.json
"""
import json
import random
import unicodedata

pairs = []
decomposable = [chr(cp) for cp in range(0x110000)
                 if unicodedata.decomposition(chr(cp)) and not unicodedata.decomposition(chr(cp)).startswith('<')]
for c in decomposable:
    pairs.append(unicodedata.normalize('NFD', c))
    pairs.append(c)

rng = random.Random(42)
marks = [chr(cp) for cp in range(0x110000) if unicodedata.combining(chr(cp))]
pool = (list("aeiouAEIOUnNcCsSzZ ") + decomposable[:400] + marks[:200] + rng.sample(marks, 100)
        + [chr(c) for c in range(0x1100, 0x1113)] + [chr(c) for c in range(0x1161, 0x1176)]
        + [chr(c) for c in range(0x11A8, 0x11C3)] + ['\uAC00', '\uAC01', '\uD7A3', '\u0958', '\u212B', '\u2126',
        '\U0001D15E', '\U000110AB', '\U00011099', '\U000110BA', '日', '😀', 'x'])
for _ in range(1500):
    pairs.append(''.join(rng.choice(pool) for _ in range(rng.randint(1, 8))))

print(json.dumps({"unicode": unicodedata.unidata_version,
                  "cases": [[s, unicodedata.normalize('NFC', s)] for s in pairs]}, ensure_ascii=False))
