#!/bin/bash
# Duplicate-check benchmark: classify 2,000 files against a local MediaWiki 1.39 (tests/peers/mediawiki.sh)
# that holds 2,000 files, with Gatehouse (gatehouse-cli dedup) and, in the same run against the same wiki, the
# way DPLA's ingest-wikimedia tool checks for duplicates: one list=allimages&aisha1= request per file, one
# after another, from a small script. Requests are counted in the wiki's own server log.
#
#   tests/bench/dedup.sh
#
# The wiki holds 1,000 of our files under our names (already-there), 500 of our files under other names
# (hash-elsewhere) and 500 unrelated files; the other 500 of ours are new.
#
# Environment:
#   GATEHOUSE_BENCH_DIR     work folder (default /tmp/gatehouse-bench-dedup); the images are made there once,
#                           the wiki is installed and seeded afresh on every run
#   GATEHOUSE_BUILD_DIR     build folder holding bin/gatehouse-cli (default: the build folder next to this script's
#                           repository, else /work/main/build)
#   GATEHOUSE_BENCH_RUNS    rounds (default 3; medians are reported)
#
# Goals: Gatehouse makes at most one request per file plus one per 50 titles, and finishes at least 3× sooner
# than the sequential check (ratio script/gatehouse >= 3). Results go to WORK/results/.
#
# Gatehouse lists a wiki this small once ([dedup] search=auto: fewer requests than one search per file); every
# round also runs it with one search per SHA-1 ([dedup] search=per-hash), as it searches a wiki too large to
# list (Commons), for comparison.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=$repo/tests/peers
PY=/usr/bin/python3
WORK=${GATEHOUSE_BENCH_DIR:-/tmp/gatehouse-bench-dedup}
if [ -n "${GATEHOUSE_BUILD_DIR:-}" ]; then
    BUILD=$GATEHOUSE_BUILD_DIR
elif [ -x "$repo/build/bin/gatehouse-cli" ]; then
    BUILD=$repo/build
else
    BUILD=/work/main/build
fi
RUNS=${GATEHOUSE_BENCH_RUNS:-3}
CLI=$BUILD/bin/gatehouse-cli
COUNT=2000

for tool in php "$PY" "$CLI"; do
    command -v "$tool" >/dev/null || [ -x "$tool" ] || { echo "dedup.sh: $tool is not available" >&2; exit 2; }
done

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
ours=$WORK/ours seeds=$WORK/seeds wiki=$WORK/wiki results=$WORK/results ws=$WORK/gatehouse
mkdir -p "$results"

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    "$peers/mediawiki.sh" stop "$wiki" >/dev/null 2>&1 || true
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '%s\n' "$*" >&2; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# ------------------------------------------------------------------------------------------ the images
# Small PNGs of noise, every one unique: ours (image-0000 … image-1999), and the wiki's seed: ours 0–999 under
# their own names, ours 1000–1499 as other-NNNN.png, and 500 unrelated pictures.
if [ ! -f "$seeds/.complete" ]; then
    log "making $COUNT images and the wiki's seed in $WORK (once) …"
    rm -rf "$ours" "$seeds"
    "$PY" - "$ours" "$seeds" "$COUNT" <<'PYEOF'
import os, random, shutil, struct, sys, zlib
ours, seeds, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
def png(path, side, seed):
    rng = random.Random(seed)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + rng.randbytes(side * 3) for _ in range(side))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
os.makedirs(ours)
os.makedirs(seeds)
for i in range(count):
    png(os.path.join(ours, f"image-{i:04d}.png"), 32, f"gatehouse-dedup-bench-{i}")
for i in range(count // 2):
    shutil.copy(os.path.join(ours, f"image-{i:04d}.png"), seeds)
for i in range(count // 2, count * 3 // 4):
    shutil.copy(os.path.join(ours, f"image-{i:04d}.png"), os.path.join(seeds, f"other-{i:04d}.png"))
for i in range(count // 4):
    png(os.path.join(seeds, f"unrelated-{i:04d}.png"), 32, f"gatehouse-dedup-bench-unrelated-{i}")
PYEOF
    touch "$seeds/.complete"
fi

# ------------------------------------------------------------------------------ the wiki, seeded afresh
log "starting a fresh wiki and importing $COUNT files …"
"$peers/mediawiki.sh" stop "$wiki" >/dev/null 2>&1 || true
rm -rf "$wiki"
"$peers/mediawiki.sh" start "$wiki" >&2
"$peers/mediawiki.sh" php "$wiki" importImages.php "$seeds" --extensions=png --user=Admin \
    --comment="gatehouse dedup benchmark seed" >"$WORK/import.log" 2>&1
api=$(cat "$wiki/api")
held=$("$PY" - "$api" <<'PYEOF'
import json, sys, urllib.request
api, n, cont = sys.argv[1], 0, {}
while True:
    q = "&".join(f"{k}={v}" for k, v in {"action": "query", "list": "allimages", "ailimit": "500", "format": "json",
                                         "formatversion": "2", **cont}.items())
    answer = json.load(urllib.request.urlopen(api + "?" + q))
    n += len(answer["query"]["allimages"])
    if "continue" not in answer:
        break
    cont = {"aicontinue": answer["continue"]["aicontinue"]}
print(n)
PYEOF
)
[ "$held" -eq "$COUNT" ] || { log "the wiki holds $held files, not $COUNT (see $WORK/import.log)"; exit 1; }

# Requests the wiki served so far (php -S logs one line per request).
requests() { grep -cE '\]: (GET|POST) /api\.php' "$wiki/logs/server.log" || true; }

# ------------------------------------------------------------------- Gatehouse's batch (not timed)
rm -rf "$ws"
mkdir -p "$ws"
batch=$("$CLI" --quiet --catalog "$ws/catalog.sqlite" --store "$ws/store" load "$ours")
"$CLI" --quiet --catalog "$ws/catalog.sqlite" --store "$ws/store" fetch "$batch" >/dev/null
settings() { # DELETED(true|false) SEARCH(auto|list|per-hash)
    printf '[mediawiki]\nuser=%s\npassword=%s\n\n[dedup]\ndeleted=%s\nsearch=%s\n' "$(cat "$wiki/bot_user")" \
        "$(cat "$wiki/bot_password")" "$1" "$2" >"$ws/gatehouse.ini"
}
gatehouse_dedup() { # OUT
    "$CLI" --quiet --catalog "$ws/catalog.sqlite" --store "$ws/store" --config "$ws/gatehouse.ini" dedup "$batch" \
        --target "mediawiki:$api" --title-template '{identifier}{ext}' --json >"$1" || [ $? -eq 1 ]
}

# DPLA's ingest-wikimedia checks each file with one list=allimages&aisha1= request, sequentially.
dpla_check() { # OUT
    "$PY" - "$api" "$ours" >"$1" <<'PYEOF'
import hashlib, json, os, sys, urllib.parse, urllib.request
api, root = sys.argv[1], sys.argv[2]
found = missing = 0
for name in sorted(os.listdir(root)):
    if not name.endswith(".png"):
        continue
    sha1 = hashlib.sha1(open(os.path.join(root, name), "rb").read()).hexdigest()
    query = urllib.parse.urlencode({"action": "query", "list": "allimages", "aisha1": sha1, "aiprop": "sha1|size",
                                    "format": "json", "formatversion": "2"})
    with urllib.request.urlopen(api + "?" + query) as reply:
        answer = json.load(reply)
    if answer["query"]["allimages"]:
        found += 1
    else:
        missing += 1
print(json.dumps({"found": found, "missing": missing}))
PYEOF
}

# ----------------------------------------------------------------------------------------------- rounds
g_times=() d_times=() h_times=() g_requests=() d_requests=() h_requests=()
for round in $(seq "$RUNS"); do
    settings false auto
    n0=$(requests)
    t0=$(now)
    gatehouse_dedup "$results/gatehouse-$round.json"
    t1=$(now)
    n1=$(requests)
    dpla_check "$results/dpla-$round.json"
    t2=$(now)
    n2=$(requests)
    settings false per-hash
    gatehouse_dedup "$results/gatehouse-per-hash-$round.json"
    t3=$(now)
    n3=$(requests)
    g_times+=("$(calc "$t1 - $t0")") d_times+=("$(calc "$t2 - $t1")") h_times+=("$(calc "$t3 - $t2")")
    g_requests+=($((n1 - n0))) d_requests+=($((n2 - n1))) h_requests+=($((n3 - n2)))
    "$PY" - "$results/gatehouse-$round.json" "$results/gatehouse-per-hash-$round.json" "$results/dpla-$round.json" \
        "$COUNT" <<'PYEOF'
import json, sys
count = int(sys.argv[4])
want = {"already-there": count // 2, "hash-elsewhere": count // 4, "new": count // 4}
for path in sys.argv[1:3]:
    cases = json.load(open(path))["cases"]
    for case, n in want.items():
        if cases.get(case) != n:
            sys.exit(f"gatehouse ({path}): {cases.get(case)} files in {case}, expected {n}: {cases}")
d = json.load(open(sys.argv[3]))
if d["found"] != count * 3 // 4 or d["missing"] != count // 4:
    sys.exit(f"script: {d}")
PYEOF
    log "round $round/$RUNS: gatehouse ${g_times[-1]} s (${g_requests[-1]} requests)," \
        "per-hash ${h_times[-1]} s (${h_requests[-1]} requests), script ${d_times[-1]} s (${d_requests[-1]} requests)"
done

# Once more with the wiki's deleted files looked up too (the default: needs the deletedhistory right).
settings true auto
n0=$(requests)
t0=$(now)
gatehouse_dedup "$results/gatehouse-deleted.json"
t1=$(now)
n1=$(requests)
deleted_seconds=$(calc "$t1 - $t0")
deleted_requests=$((n1 - n0))

g=$(median "${g_times[@]}")
d=$(median "${d_times[@]}")
h=$(median "${h_times[@]}")
gr=$(median "${g_requests[@]}")
dr=$(median "${d_requests[@]}")
hr=$(median "${h_requests[@]}")
budget=$((COUNT + (COUNT + 49) / 50))
printf '\n%-58s %10s %10s\n' "duplicate check of $COUNT files against a wiki of $COUNT" "median s" "requests"
printf '%-58s %10.2f %10d\n' "gatehouse-cli dedup (titles 50/request, the wiki listed once)" "$g" "$gr"
printf '%-58s %10.2f %10d\n' "one allimages&aisha1= request per file, sequential" "$d" "$dr"
printf '%-58s %10.2f   (goal >= 3)\n' "ratio script/gatehouse" "$(calc "$d / $g")"
printf '%-58s %10d   (goal: gatehouse <= budget)\n' "request budget: one per file + one per 50 titles" "$budget"
printf '%-58s %10.2f %10d\n' "gatehouse-cli dedup, SHA-1s searched 4 at a time (per-hash)" "$h" "$hr"
printf '%-58s %10.2f\n' "ratio script/gatehouse per-hash" "$(calc "$d / $h")"
printf '%-58s %10.2f %10d\n' "gatehouse-cli dedup with deleted files looked up ([dedup] deleted=true)" \
    "$deleted_seconds" "$deleted_requests"
printf 'rounds: gatehouse %s; per-hash %s; script %s\n' "${g_times[*]}" "${h_times[*]}" "${d_times[*]}"
[ "$gr" -le "$budget" ] || { log "gatehouse made $gr requests, more than $budget"; exit 1; }
[ "$hr" -le "$budget" ] || { log "gatehouse (per-hash) made $hr requests, more than $budget"; exit 1; }
