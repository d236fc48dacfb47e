#!/usr/bin/env python3
"""record_result.py — write one experiment's record for docs/results/ (scripts/reproduce.sh calls it):
{"experiment", "config", "command", "commit", "date", "machine", "wall_s", "load_average_1min", "metrics"}, atomically."""
import argparse
import datetime
import json
import os

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("path")
for k in ("experiment", "command", "config", "commit", "machine", "t0", "t1", "metrics"):
    ap.add_argument("--" + k, required=True)
a = ap.parse_args()


def load_average():
    """The 1-minute load average when the run ended (a wall time under load 8 is not one under load 1)."""
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


with open(a.metrics) as f:
    metrics = json.load(f)
rec = {"experiment": a.experiment, "config": a.config, "command": a.command, "commit": a.commit,
       "date": datetime.datetime.now(datetime.timezone.utc).date().isoformat(), "machine": a.machine,
       "wall_s": round(float(a.t1) - float(a.t0), 1), "load_average_1min": load_average(), "metrics": metrics}
with open(a.path + ".tmp", "w") as f:
    json.dump(rec, f, indent=1)
    f.write("\n")
os.replace(a.path + ".tmp", a.path)
print(f"reproduce: {a.experiment} took {rec['wall_s']} s; recorded in {a.path}")
