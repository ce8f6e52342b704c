#!/bin/bash
# Local ingest benchmark: Gatehouse copying a folder into its bit store with md5, sha1 and sha256 of every file
# and a catalog row per file, against the plain tools doing the same work: cp -r, then md5sum, sha1sum and
# sha256sum over the copy.
#
#   tests/bench/ingest.sh
#
# Environment:
#   GATEHOUSE_BENCH_DIR   work folder (default /tmp/gatehouse-bench-ingest). The data set (1,000 x 256 KiB +
#                         4 x 128 MiB of deterministic pseudo-random bytes, 762 MiB) is generated there once.
#   GATEHOUSE_BUILD_DIR   build folder holding bin/gatehouse-cli (default: build/ in this repository)
#   GATEHOUSE_BENCH_RUNS  timed runs per command (default 7; the median is reported)
#   GATEHOUSE_BENCH_GOAL  the ratio plain/gatehouse to reach (default 2.5)
#   GATEHOUSE_BENCH_CLEANUP  "delete" deletes each row's output before the next row; by default it is emptied and
#                         set aside until the last round (see `fresh` below for why)
#
# Both rows start from a warm page cache and an empty destination on the same disk, and the runs alternate
# (plain, gatehouse, plain, gatehouse, …) so a busy neighbour on a shared machine slows both alike. Gatehouse
# also makes what it stores durable before the catalog records it, and writes the catalog; the plain tools do
# neither. The ratio is median(plain) / median(gatehouse); each pair's ratio is printed too.
# The timed Gatehouse row is the ingest the plain tools match: intake and the fetch stage (load, then
# `fetch --only`: copy, three digests, durable store, catalog). A third row, timed in the same rounds, is the whole
# `run`, which also runs the automatic QA checks and the duplicate classification after the fetch; it is printed
# for reference and is not part of the goal.
# Beside the wall times, each row's CPU time (user + system of the command and its children; kernel writeback
# threads are not counted) is printed as a median: on a shared machine the CPU time moves far less than the wall
# time, and wall / CPU shows how well a row uses the cores. The load average before and after the rounds is
# printed too; above 2 (on this 2-core machine) the wall times are noise.
# Exit status 1 when the goal is missed, 2 when a tool is missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
WORK=${GATEHOUSE_BENCH_DIR:-/tmp/gatehouse-bench-ingest}
BUILD=${GATEHOUSE_BUILD_DIR:-$repo/build}
RUNS=${GATEHOUSE_BENCH_RUNS:-7}
GOAL=${GATEHOUSE_BENCH_GOAL:-2.5}
CLI=$BUILD/bin/gatehouse-cli
SMALL_COUNT=1000 SMALL_SIZE=262144 LARGE_COUNT=4 LARGE_SIZE=134217728

for tool in md5sum sha1sum sha256sum "$PY"; do
    command -v "$tool" >/dev/null || { echo "ingest.sh: $tool is not installed" >&2; exit 2; }
done
if [ ! -x "$CLI" ]; then
    echo "ingest.sh: $CLI not found; build first (ninja -C $BUILD gatehouse-cli)" >&2
    exit 2
fi

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
data=$WORK/data results=$WORK/results scratch=$WORK/scratch attic=$WORK/attic
mkdir -p "$results"
trap 'rm -rf "$scratch" "$attic"' EXIT
log() { printf '%s\n' "$*" >&2; }

if [ ! -f "$WORK/data.complete" ]; then
    log "generating the data set in $data (once; 762 MiB) …"
    rm -rf "$data" "$data.tmp"
    "$PY" - "$data.tmp" "$SMALL_COUNT" "$SMALL_SIZE" "$LARGE_COUNT" "$LARGE_SIZE" <<'PYEOF'
import os, random, sys
root, small_count, small_size, large_count, large_size = sys.argv[1], *map(int, sys.argv[2:])
for i in range(small_count):
    folder = os.path.join(root, f"box-{i // 100:02d}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"scan-{i:04d}.tif"), "wb") as f:
        f.write(random.Random(f"gatehouse-ingest-small-{i}").randbytes(small_size))
os.makedirs(os.path.join(root, "masters"))
for i in range(large_count):
    rng = random.Random(f"gatehouse-ingest-large-{i}")
    with open(os.path.join(root, "masters", f"master-{i}.wav"), "wb") as f:
        for _ in range(large_size // (1 << 20)):
            f.write(rng.randbytes(1 << 20))
PYEOF
    mv "$data.tmp" "$data"
    touch "$WORK/data.complete"
fi
# Warm the page cache so neither row pays for reading the source from disk.
find "$data" -type f -exec cat {} + >/dev/null

# Between rows the last row's output is emptied and set aside, not deleted, until the rounds are over. On an ext4
# without a journal (as on these machines), a new file or folder first scans past the free inodes deleted in the
# last minute (six while their inode table block is unwritten; fs/ext4/ialloc.c, recently_deleted()): deleting a
# row's thousand or two files would charge them to the next rows, more to the row that creates more files
# (Gatehouse makes a folder per item) and more with every round. Measured with deletes between rows: Gatehouse
# drifted from 2.1 s to 3.7 s over 15 rounds, its CPU time from 3.3 s to 5.3 s; perf puts the extra in mkdir and
# open (find_inode_bit). Emptying the files hands their pages and blocks back as deleting would; their inodes are
# freed after the last round. For the same reason, leave a few minutes after deleting many files on this file
# system (a previous run's cleanup included).
if [ "${GATEHOUSE_BENCH_CLEANUP:-set-aside}" = delete ]; then
    fresh="rm -rf '$scratch' && mkdir -p '$scratch' && sync"
else
    rm -rf "$attic"
    fresh="if [ -d '$scratch' ]; then find '$scratch' -type f -exec truncate -s 0 {} + && mkdir -p '$attic' && \
mv '$scratch' \"\$(mktemp -d '$attic/row-XXXXXX')\"; fi && mkdir -p '$scratch' && sync"
fi
plain_cmd="cp -r '$data' '$scratch/copy' && cd '$scratch/copy' && find . -type f -print0 | \
xargs -0 md5sum >/dev/null && find . -type f -print0 | xargs -0 sha1sum >/dev/null && \
find . -type f -print0 | xargs -0 sha256sum >/dev/null"
gh_cli="'$CLI' -q --catalog '$scratch/catalog.sqlite' --store '$scratch/store'"
gh_cmd="$gh_cli load '$data' >/dev/null && $gh_cli fetch 1 --only"
run_cmd="$gh_cli run '$data'"

log "gatehouse: check run …"
eval "$fresh"
eval "$gh_cmd" >"$results/gatehouse-check.log" 2>&1 || { log "gatehouse check run failed, see $results/gatehouse-check.log"; exit 1; }
stored=$(find "$scratch/store" -type f ! -path '*/.partial/*' | wc -l)
if [ "$stored" -ne $((SMALL_COUNT + LARGE_COUNT)) ]; then
    log "gatehouse stored $stored files, expected $((SMALL_COUNT + LARGE_COUNT))"
    exit 1
fi

log "$RUNS alternating timed runs of each …"
"$PY" - "$RUNS" "$GOAL" "$results" "$fresh" "$plain_cmd" "$gh_cmd" "$run_cmd" "$SMALL_COUNT" "$LARGE_COUNT" <<'PYEOF'
import json, os, resource, statistics, subprocess, sys, time
runs, goal, results, fresh, plain, gh, whole, small, large = sys.argv[1:]
runs, goal = int(runs), float(goal)
names = ("plain", "gatehouse", "run")
times = {name: [] for name in names}
cpu = {name: [] for name in names}


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


load_before = load_average()
for i in range(runs):
    for name, command in zip(names, (plain, gh, whole)):
        subprocess.run(["bash", "-c", fresh], check=True)
        cpu_start = children_cpu()
        start = time.perf_counter()
        done = subprocess.run(["bash", "-c", command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        used = children_cpu() - cpu_start
        if done.returncode != 0:
            sys.stderr.write("%s failed (exit %d): %s\n" % (name, done.returncode, done.stderr.decode()[-2000:]))
            sys.exit(1)
        times[name].append(elapsed)
        cpu[name].append(used)
        sys.stderr.write("  run %d %-9s %.3f s  (cpu %.3f s)\n" % (i + 1, name, elapsed, used))
load_after = load_average()
json.dump(dict(times, cpu=cpu, load=[load_before, load_after]), open(os.path.join(results, "ingest.json"), "w"))
p, g = statistics.median(times["plain"]), statistics.median(times["gatehouse"])
ratio = p / g
pairs = " ".join("%.2f" % (a / b) for a, b in zip(times["plain"], times["gatehouse"]))
cp_, cg = statistics.median(cpu["plain"]), statistics.median(cpu["gatehouse"])
print()
print("Local ingest: %s x 256 KiB + %s x 128 MiB, %d cores, warm cache, %d alternating runs, "
      "each row's output %s" % (small, large, os.cpu_count(), runs,
         "deleted before the next row" if os.environ.get("GATEHOUSE_BENCH_CLEANUP") == "delete"
         else "emptied and set aside until the end"))
print("%-62s %10s %8s   %s" % ("command", "median s", "cpu s", "runs (s)"))
print("%-62s %10.3f %8.3f   %s" % ("cp -r + md5sum + sha1sum + sha256sum", p, cp_, " ".join("%.3f" % t for t in times["plain"])))
print("%-62s %10.3f %8.3f   %s" % ("gatehouse-cli load + fetch --only (copy, 3 digests, catalog)", g, cg, " ".join("%.3f" % t for t in times["gatehouse"])))
print("%-62s %10.2f %8.2f   pairs: %s; goal >= %.1f" % ("ratio plain/gatehouse (wall, cpu)", ratio, cp_ / cg, pairs, goal))
w, cw = statistics.median(times["run"]), statistics.median(cpu["run"])
print("%-62s %10.3f %8.3f   %s" % ("for reference: gatehouse-cli run (+ QA checks, duplicates)", w, cw, " ".join("%.3f" % t for t in times["run"])))
print("%-62s %10.2f" % ("ratio plain/run", p / w))
print("load average (1 min) before and after the rounds: %.2f, %.2f%s"
      % (load_before, load_after, "" if max(load_before, load_after) <= 2 else "  (busy machine: wall times are noise)"))
sys.exit(0 if ratio >= goal else 1)
PYEOF
