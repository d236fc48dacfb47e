"""plot_common.py — what noether's plotting scripts (plot_run.py, plot_hnn.py, plot_pixel.py) share:
matplotlib without a display, the error type of a bad input file, atomic figure writes, and .npz loading
that names a missing array.

Needs numpy and matplotlib (Debian: python3-numpy python3-matplotlib). Imported from the scripts' own
folder (Python puts a script's folder first on sys.path).
"""
import os

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


class InputError(Exception):
    """A malformed or missing input file; the message names the file (and the array or key)."""


def save_figure(fig, path, dpi, tight=False):
    """Write fig to path atomically (temporary name in the same directory, then os.replace), close it and
    print "wrote PATH". tight: bbox_inches="tight"."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        fig.savefig(tmp, format="png", dpi=dpi, **({"bbox_inches": "tight"} if tight else {}))
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.remove(tmp)
    print(f"wrote {path}")


def load_npz(path, required, hint):
    """All arrays of the .npz at path as a dict; InputError naming the file when it is missing (with `hint`,
    e.g. the command that writes it) or lacks one of the `required` arrays."""
    if not os.path.isfile(path):
        raise InputError(f"{path}: not found ({hint})")
    z = np.load(path)
    d = {k: z[k] for k in z.files}
    for k in required:
        if k not in d:
            raise InputError(f"{path}: array '{k}' missing")
    return d
