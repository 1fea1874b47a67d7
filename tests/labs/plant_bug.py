#!/usr/bin/env python3
"""Plant a lab's bug: copy a sample's source with lines replaced, as the lab sheet tells the
student to edit it (docs/labs/reverse.md). Fails if a text to replace is not in the source
exactly once, so that a change to the sample that the sheet does not follow breaks the build
instead of testing something else.

usage: plant_bug.py SOURCE OUTPUT 'OLD TEXT' 'NEW TEXT' ['OLD TEXT' 'NEW TEXT' ...]
"""
import sys

src, out = sys.argv[1:3]
edits = sys.argv[3:]
if not edits or len(edits) % 2:
    sys.exit("usage: plant_bug.py SOURCE OUTPUT 'OLD TEXT' 'NEW TEXT' ...")
text = open(src).read()
for old, new in zip(edits[::2], edits[1::2]):
    if text.count(old) != 1:
        sys.exit(f"plant_bug.py: {src} has {text.count(old)} copies of {old!r} (the lab's edit)")
    text = text.replace(old, new)
open(out, "w").write(text)
