#!/usr/bin/env python3
"""Writes the input files of every case of the bad-input catalogue (tests/cli/bad_inputs.json).

    make_bad_inputs.py TABLE BASE_DIR OUT_ROOT

BASE_DIR holds valid files made by noether itself (the test runner makes them: a simulation config, a trajectory,
a rollout, a model, a pair table, a checkpoint, ...). For each case, OUT_ROOT/<name>/ receives the case's files,
each made from a recipe (standard library only, no NumPy):

  "text"                                   the file's literal text
  {"dir": true}                            a directory
  {"copy": BASE}                           a base file's bytes
  {"copy": BASE, "replace": [[OLD, NEW]]}  text replacements (OLD must occur)
  {"copy": BASE, "set": {PATH: V}, "delete": [PATH]}   JSON edits; PATH is dotted, list indices are numbers
  {"npz_from": BASE, "set": {KEY: ARRAY}, "drop": [KEY], "poke": [[KEY, INDEX, VALUE]]}
  {"npz": {KEY: ARRAY}}                    a new .npz
  {"zip": [MEMBER]}                        a hand-made zip: MEMBER = {"name", "npy": ARRAY | "raw": TEXT,
                                           "declare": uncompressed size to record, "deflate": bool, "bad_crc": bool,
                                           "zip64": bool}
ARRAY = {"shape": [...], "fill": NUMBER | "nan" | "inf" | "ramp", "dtype": "<f8" | "<f4" | ...,
         "header_shape": [...] (a shape written in the header instead of "shape")}.
"""
import json
import math
import os
import shutil
import struct
import sys
import zipfile
import zlib

VALUES = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def value(v):
    return VALUES.get(v, v) if isinstance(v, str) else float(v)


def npy_bytes(spec):
    shape = list(spec["shape"])
    header_shape = spec.get("header_shape", shape)
    dtype = spec.get("dtype", "<f8")
    count = 1
    for d in shape:
        count *= d
    fill = spec.get("fill", "ramp")
    vals = [0.1 * (k + 1) if fill == "ramp" else value(fill) for k in range(count)]
    fmt = {"<f8": "d", "<f4": "f", "<i8": "q", "<i4": "i", "|u1": "B", "|b1": "?"}.get(dtype)
    if fmt is None:
        data = b"\0" * (8 * count)
    elif fmt in "qiB?":
        data = struct.pack("<%d%s" % (count, fmt), *[int(v) if math.isfinite(v) else 0 for v in vals])
    else:
        data = struct.pack("<%d%s" % (count, fmt), *vals)
    shp = "(" + ", ".join(str(d) for d in header_shape) + ("," if len(header_shape) == 1 else "") + ")"
    d = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (dtype, spec.get("fortran", "False"), shp)
    d += " " * ((64 - (10 + len(d) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode() + data


def read_npz(path):
    """{key: (shape, dtype, [values])} of a float .npz written by noether or this script."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            b = z.read(name)
            hl = struct.unpack("<H", b[8:10])[0]
            hdr = eval(b[10:10 + hl].decode())  # a Python dict literal (noether's own files)
            fmt = {"<f8": "d", "<f4": "f"}[hdr["descr"]]
            data = b[10 + hl:]
            n = len(data) // struct.calcsize(fmt)
            out[name[:-4]] = (list(hdr["shape"]), hdr["descr"], list(struct.unpack("<%d%s" % (n, fmt), data)))
    return out


def write_npz(path, arrays):
    """arrays: {key: npy bytes}; STORED, like np.savez."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for k, b in arrays.items():
            z.writestr(k + ".npy", b)


def npy_of(shape, dtype, vals):
    fmt = {"<f8": "d", "<f4": "f"}[dtype]
    shp = "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    d = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (dtype, shp)
    d += " " * ((64 - (10 + len(d) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode() + struct.pack("<%d%s" % (len(vals), fmt), *vals)


def hand_zip(path, members):
    """A zip whose recorded sizes and CRCs are whatever the recipe says (libzip must cope with liars)."""
    local, central = b"", b""
    for m in members:
        payload = npy_bytes(m["npy"]) if "npy" in m else m.get("raw", "").encode()
        crc = zlib.crc32(payload) ^ (0xFFFFFFFF if m.get("bad_crc") else 0)
        data = payload
        method = 0
        if m.get("deflate"):
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            data = c.compress(payload) + c.flush()
            method = 8
        usize = m.get("declare", len(payload))
        csize = len(data)
        name = m["name"].encode()
        zip64 = m.get("zip64", False) or usize >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, usize, csize) if zip64 else b""
        us, cs = (0xFFFFFFFF, 0xFFFFFFFF) if zip64 else (usize, csize)
        offset = len(local)
        version = 45 if zip64 else 20
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, version, 0, method, 0, 0x21, crc, cs, us, len(name), len(extra))
        local += name + extra + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, version, version, 0, method, 0, 0x21, crc, cs, us,
                               len(name), len(extra), 0, 0, 0, 0, offset)
        central += name + extra
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0)
    with open(path, "wb") as f:
        f.write(local + central + eocd)


def json_path_set(root, path, v, delete=False):
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    node = root
    for k in keys[:-1]:
        node = node[k]
    if delete:
        del node[keys[-1]]
    else:
        node[keys[-1]] = v


def make_file(path, recipe, base):
    if isinstance(recipe, str):
        with open(path, "w") as f:
            f.write(recipe)
        return
    if recipe.get("dir"):
        os.makedirs(path, exist_ok=True)
        return
    if "copy" in recipe:
        src = os.path.join(base, recipe["copy"])
        if not any(k in recipe for k in ("replace", "set", "delete")):
            shutil.copyfile(src, path)
            return
        text = open(src).read()
        for old, new in recipe.get("replace", []):
            if old not in text:
                sys.exit("recipe for %s: '%s' does not occur in %s" % (path, old, recipe["copy"]))
            text = text.replace(old, new, 1)
        if "set" in recipe or "delete" in recipe:
            root = json.loads(text)
            for p, v in recipe.get("set", {}).items():
                json_path_set(root, p, v)
            for p in recipe.get("delete", []):
                json_path_set(root, p, None, delete=True)
            text = json.dumps(root, indent=1)
        with open(path, "w") as f:
            f.write(text)
        return
    if "npz_from" in recipe:
        arrays = read_npz(os.path.join(base, recipe["npz_from"]))
        out = {k: npy_of(*a) for k, a in arrays.items()}
        for k in recipe.get("drop", []):
            del out[k]
        for k, idx, v in recipe.get("poke", []):
            shape, dtype, vals = arrays[k]
            vals[idx] = value(v)  # in place: several pokes of one key add up
            out[k] = npy_of(shape, dtype, vals)
        for k, spec in recipe.get("set", {}).items():
            out[k] = npy_bytes(spec)
        write_npz(path, out)
        return
    if "npz" in recipe:
        write_npz(path, {k: npy_bytes(s) for k, s in recipe["npz"].items()})
        return
    if "zip" in recipe:
        hand_zip(path, recipe["zip"])
        return
    sys.exit("unknown recipe for %s: %r" % (path, recipe))


def main():
    table, base, root = sys.argv[1:4]
    cases = json.load(open(table))["cases"]
    names = set()
    for c in cases:
        if c["name"] in names:
            sys.exit("case name '%s' appears twice" % c["name"])
        names.add(c["name"])
        d = os.path.join(root, c["name"])
        os.makedirs(d, exist_ok=True)
        for fname, recipe in c.get("files", {}).items():
            make_file(os.path.join(d, fname), recipe, base)


if __name__ == "__main__":
    main()
