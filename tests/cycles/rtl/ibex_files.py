#!/usr/bin/env python3
"""ibex_files.py: list the source files of a FuseSoC core and its dependencies, so that
Ibex's simple_system can be built with plain Verilator where FuseSoC is not installed
(tests/cycles/README.md). It reads the CAPI2 `.core` files under a source tree (the
format FuseSoC documents: name, filesets with depend/files/file_type, targets, virtual
cores), follows the `default` target's filesets of every core with the flag
`tool_verilator` set, resolves virtual cores to their prim_generic providers, and prints
one line per file in dependency order:  FILE_TYPE IS_INCLUDE ABSOLUTE_PATH

    ibex_files.py IBEX_DIR lowrisc:ibex:ibex_simple_system > files.txt
"""
import os
import re
import sys

import yaml

FLAGS = {"tool_verilator": True}
VLNV = re.compile(r"^([\w.-]+:[\w.-]+:[\w.-]+).*$")


def vln(name):
    """The vendor:library:name part of a VLNV, without version or comparison prefix."""
    return VLNV.sub(r"\1", re.sub(r"^[<>=~^]+", "", name))


def conditional(item):
    """`flag ? (x)` / `!flag ? (x)` -> x or None; anything else as it is."""
    m = re.match(r"^\s*(!?)(\w+)\s*\?\s*\((.*)\)\s*$", item)
    if not m:
        return item.strip()
    on = FLAGS.get(m.group(2), False)
    return m.group(3).strip() if on != bool(m.group(1)) else None


def load_cores(root):
    cores, provides = {}, {}
    for d, _, files in os.walk(root):
        for f in sorted(files):
            if not f.endswith(".core"):
                continue
            path = os.path.join(d, f)
            try:
                y = yaml.safe_load(open(path))
            except yaml.YAMLError:
                continue
            if not isinstance(y, dict) or "name" not in y:
                continue
            name = vln(y["name"])
            cores.setdefault(name, (path, y))
            for v in y.get("virtual") or []:
                v = vln(v)
                if v not in provides or "prim_generic" in name:
                    provides[v] = name
    return cores, provides


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: ibex_files.py IBEX_DIR TOP_CORE")
    cores, provides = load_cores(sys.argv[1])
    seen, out = set(), []

    def visit(name):
        name = vln(name)
        if name not in cores and name in provides:
            name = provides[name]
        if name in seen:
            return
        seen.add(name)
        if name not in cores:
            sys.exit(f"ibex_files.py: no core named {name}")
        path, y = cores[name]
        target = (y.get("targets") or {}).get("default") or {}
        for fs_name in target.get("filesets") or []:
            fs_name = conditional(fs_name)
            if not fs_name:
                continue
            fs = y["filesets"][fs_name]
            for dep in fs.get("depend") or []:
                dep = conditional(dep)
                if dep:
                    visit(dep)
            for f in fs.get("files") or []:
                ftype, include = fs.get("file_type"), False
                if isinstance(f, dict):
                    ((f, attrs),) = f.items()
                    ftype = attrs.get("file_type", ftype)
                    include = attrs.get("is_include_file", False)
                else:
                    f = conditional(f)
                    if not f:
                        continue
                full = os.path.abspath(os.path.join(os.path.dirname(path), f))
                out.append(f"{ftype} {int(bool(include))} {full}")

    visit(sys.argv[2])
    print("\n".join(out))


if __name__ == "__main__":
    main()
