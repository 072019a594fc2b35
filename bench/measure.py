#!/usr/bin/env python3
"""Run the SPEC §6 benchmarks and print a table of figures (called by bench/run.sh).

Every figure is the median of several runs of a whole process; CPU time and peak memory come
from the kernel's accounting of that process (wait4 rusage).
"""
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

BIN, PARSE, DATA = sys.argv[1], sys.argv[2], sys.argv[3]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
rows = []
failures = []


def run_once(cmd, stdin=None, env=None):
    start = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        p = subprocess.Popen(cmd, stdout=devnull, stderr=subprocess.PIPE, stdin=stdin, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({code}): {err}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024


def median_of(cmd, runs=RUNS, setup=None, env=None):
    walls, cpus, rss = [], [], []
    for _ in range(runs):
        if setup:
            setup()
        w, c, m = run_once(cmd, env=env)
        walls.append(w)
        cpus.append(c)
        rss.append(m)
    return statistics.median(walls), statistics.median(cpus), max(rss)


def row(name, value, target="", ok=None):
    mark = "" if ok is None else ("PASS" if ok else "FAIL")
    if ok is False:
        failures.append(name)
    rows.append((name, value, target, mark))


def mib(n):
    return f"{n / 2**20:.0f} MiB"


START_LOAD = os.getloadavg()[0]

# (a) one diary of 1,000,000 entries and 3 blocks
big = os.path.join(DATA, "big.json")
size = os.path.getsize(big)
ev_w, ev_c, ev_m = median_of([BIN, "evaluate", big, "--format", "json"])
load_w, load_c, _ = median_of([PARSE, "load", big])
plain_w, plain_c, plain_m = median_of([PARSE, "plain", big])
jq_w, _, jq_m = median_of(["jq", "empty", big], runs=max(3, RUNS // 2))
row("(a) file", f"{mib(size)}, 1,000,000 entries, 3 blocks")
row("(a) evaluate --format json (median)", f"{ev_w:.3f} s (CPU {ev_c:.3f} s)")
row("(a) jq empty (median)", f"{jq_w:.3f} s")
row("(a) plain serde_json, derived structs (median)", f"{plain_w:.3f} s (CPU {plain_c:.3f} s)")
row("(a) load only: parse + validate + sort (median)", f"{load_w:.3f} s (CPU {load_c:.3f} s)")
row("(a) evaluate / jq empty", f"{ev_w / jq_w:.2f}x", "<= 1.0x", ev_w <= jq_w)
row("(a) evaluate / plain serde_json, wall", f"{ev_w / plain_w:.2f}x", "<= 1.5x (SPEC)", ev_w <= 1.5 * plain_w)
# CPU time (user + sys) does not count the time other processes hold the cores; on an idle
# machine it equals the wall time of these single-threaded runs.
row("(a) evaluate / plain serde_json, CPU", f"{ev_c / plain_c:.2f}x", "<= 1.2x (issue 10)", ev_c <= 1.2 * plain_c)
row("(a) load / plain serde_json, CPU", f"{load_c / plain_c:.2f}x")
extra = (ev_c - load_c) / load_c
row("(a) evaluation on top of loading, CPU", f"{extra * 100:+.1f} %", "< 10 %", extra < 0.10)
row("(e) peak memory of (a) evaluate", f"{mib(ev_m)} = {ev_m / size:.2f}x the file", "<= 2x (issue 10)", ev_m <= 2 * size)
row("(e) peak memory of plain serde_json", f"{mib(plain_m)} = {plain_m / size:.2f}x the file")
row("(e) peak memory of jq empty, for comparison", mib(jq_m))

# (b) 10,000 small diaries in one call
many_dir = os.path.join(DATA, "many")
files = sorted(os.path.join(many_dir, f) for f in os.listdir(many_dir))
cmd = [BIN, "evaluate", "--format", "json", *files]
w, c, m = median_of(cmd, runs=max(3, RUNS // 2))
out = subprocess.run(cmd, capture_output=True, check=True).stdout.decode().splitlines()
in_order = [json.loads(line)["file"] for line in out] == files
row("(b) 10,000 small diaries, one evaluate (median wall)", f"{w:.3f} s ({w / len(files) * 1e6:.0f} us a diary)")
row("(b) CPU utilisation (user+sys / wall)", f"{c / w:.2f} on {os.cpu_count()} cores",
    "> 1.6 on 2 cores", c / w > 0.8 * (os.cpu_count() or 1))
row("(b) output in input order", "yes" if in_order else "NO", "yes", in_order)

# (c) log on a 100,000-entry diary, and 200,000 to show linear cost
def log_bench(n):
    src = os.path.join(DATA, f"log-{n}.json")
    work = os.path.join(DATA, f"log-{n}-work.json")
    def setup():
        shutil.copyfile(src, work)
    env = dict(os.environ, PAINDIARY_NOW="2030-01-01T00:00:00+00:00", TZ="UTC")
    return median_of([BIN, "--file", work, "log", "5", "--at", "2029-12-31T23:00:00+00:00"],
                     setup=setup, env=env)[0], work

t100, work100 = log_bench(100_000)
t200, _ = log_bench(200_000)
row("(c) log on a 100,000-entry diary (median)", f"{t100 * 1000:.0f} ms")
row("(c) log on a 200,000-entry diary (median)", f"{t200 * 1000:.0f} ms")
ratio = t200 / t100
row("(c) doubling the entries multiplies time by", f"{ratio:.2f}", "~2 (linear)", ratio < 2.6)
if shutil.which("strace"):
    shutil.copyfile(os.path.join(DATA, "log-100000.json"), work100)
    trace = os.path.join(DATA, "strace.txt")
    subprocess.run(["strace", "-f", "-o", trace, "-e", "trace=openat,rename,renameat2,linkat",
                    BIN, "--file", work100, "log", "5", "--at", "2029-12-31T23:00:00+00:00"],
                   env=dict(os.environ, PAINDIARY_NOW="2030-01-01T00:00:00+00:00", TZ="UTC"),
                   check=True, capture_output=True)
    lines = open(trace).read().splitlines()
    base = os.path.basename(work100)
    reads = sum(1 for l in lines if "openat" in l and f'/{base}"' in l and "O_RDONLY" in l)
    writes = sum(1 for l in lines if "openat" in l and f".{base}.tmp-" in l and "O_CREAT" in l and ".bak" not in l)
    row("(c) opens of the diary for reading (strace)", str(reads), "1", reads == 1)
    row("(c) temporary files written (strace)", str(writes), "1", writes == 1)
else:
    row("(c) syscall count", "strace not installed: skipped")

# (d) start-up
w, _, _ = median_of([BIN, "--version"], runs=max(RUNS, 10))
row("(d) paindiary --version (median)", f"{w * 1000:.1f} ms")

load1 = START_LOAD
if load1 > 0.5:
    print(f"warning: load average {load1:.2f} before the run: other work competes for the cores")
print(f"paindiary benchmarks — {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
      f"{time.strftime('%Y-%m-%d')}, {RUNS} runs each (median)")
width = max(len(r[0]) for r in rows)
vwidth = max(len(r[1]) for r in rows)
for name, value, target, mark in rows:
    print(f"{name:<{width}}  {value:<{vwidth}}  {target:<18} {mark}")
if failures:
    print(f"\n{len(failures)} target(s) missed: {', '.join(failures)}")
    sys.exit(1)
print("\nall targets met")
