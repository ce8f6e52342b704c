#!/bin/bash
# Upload benchmark: Gatehouse against the Node bot framework mwn, each uploading the same 300 images of about
# 200 KiB to its own fresh MediaWiki 1.39 (tests/peers/mediawiki.sh) over loopback, with the same concurrency.
# Gatehouse also looks every file up before sending (titles 50 per request, SHA-1 per file) and verifies every
# file afterwards; mwn sends blindly (ignorewarnings). Then one chunked upload of a 100 MiB image, in bytes/s.
#
#   tests/bench/upload.sh
#
# Environment:
#   GATEHOUSE_BENCH_DIR         work folder (default /tmp/gatehouse-bench-upload); the images are made there once
#   GATEHOUSE_BUILD_DIR         build folder holding bin/gatehouse-cli (default /work/main/build)
#   GATEHOUSE_BENCH_JOBS        concurrency for both (default 4)
#   GATEHOUSE_BENCH_RUNS        rounds (default 3; each round uses two fresh wikis; medians are reported)
#   GATEHOUSE_NPM_PREFIX        where mwn is installed (default /opt/gatehouse/npm)
#
# Goal: gatehouse/mwn <= 1.0 (median seconds). Logs and the per-round numbers go to WORK/results/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=$repo/tests/peers
PY=/usr/bin/python3
WORK=${GATEHOUSE_BENCH_DIR:-/tmp/gatehouse-bench-upload}
BUILD=${GATEHOUSE_BUILD_DIR:-/work/main/build}
JOBS=${GATEHOUSE_BENCH_JOBS:-4}
RUNS=${GATEHOUSE_BENCH_RUNS:-3}
CLI=$BUILD/bin/gatehouse-cli
COUNT=300 SIDE=260 BIG_WIDTH=6000 BIG_HEIGHT=5826

for tool in node php "$PY" "$CLI"; do
    command -v "$tool" >/dev/null || [ -x "$tool" ] || { echo "upload.sh: $tool is not available" >&2; exit 2; }
done

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
images=$WORK/images big=$WORK/big results=$WORK/results scratch=$WORK/scratch
mkdir -p "$results"
wikis=()

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local w
    for w in "${wikis[@]}"; do
        "$peers/mediawiki.sh" stop "$w" >/dev/null 2>&1 || true
    done
    rm -rf "$scratch"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------- the images
# PNGs of noise, stored without compression: every file unique, about 200 KiB each; and one of 100 MiB.
make_pngs() {
    "$PY" - "$@" <<'PYEOF'
import os, random, struct, sys, zlib
def png(path, width, height, seed):
    rng = random.Random(seed)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        z = zlib.compressobj(0)
        rows = []
        for y in range(height):
            rows.append(b"\x00" + rng.randbytes(width * 3))
            if len(rows) == 64 or y == height - 1:
                data = z.compress(b"".join(rows))
                if data:
                    f.write(chunk(b"IDAT", data))
                rows = []
        f.write(chunk(b"IDAT", z.flush()) + chunk(b"IEND", b""))
mode = sys.argv[1]
if mode == "small":
    root, count, side = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(root)
    for i in range(count):
        png(os.path.join(root, f"image-{i:04d}.png"), side, side, f"gatehouse-upload-bench-{i}")
else:
    root, width, height = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(root)
    png(os.path.join(root, "big.png"), width, height, "gatehouse-upload-bench-big")
PYEOF
}
# The markers sit beside the folders: anything inside them would be loaded as part of the batch.
if [ ! -f "$images.complete" ]; then
    log "making $COUNT images of about 200 KiB in $images (once) …"
    rm -rf "$images" "$images.tmp"
    make_pngs small "$images.tmp" "$COUNT" "$SIDE"
    mv "$images.tmp" "$images" && touch "$images.complete"
fi
if [ ! -f "$big.complete" ]; then
    log "making a 100 MiB image in $big (once) …"
    rm -rf "$big" "$big.tmp"
    make_pngs big "$big.tmp" "$BIG_WIDTH" "$BIG_HEIGHT"
    mv "$big.tmp" "$big" && touch "$big.complete"
fi
bytes=$(du -cb "$images"/*.png | tail -1 | cut -f1)
big_bytes=$(stat -c %s "$big/big.png")

start_wiki() { # DIR [ARGS…]
    local dir=$1
    shift
    rm -rf "$dir"
    mkdir -p "$dir"
    wikis+=("$dir")
    "$peers/mediawiki.sh" start "$dir" "$@" >&2
}
stop_wiki() {
    "$peers/mediawiki.sh" stop "$1" >/dev/null 2>&1 || true
}
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
# Files on a wiki, with their SHA-1s, for the checks after each run.
wiki_files() { # API
    "$PY" - "$1" <<'PYEOF'
import json, sys, urllib.request
api, files, cont = sys.argv[1], {}, {}
while True:
    q = "&".join(f"{k}={v}" for k, v in {"action": "query", "list": "allimages", "aiprop": "sha1", "ailimit": "500",
                                         "format": "json", "formatversion": "2", **cont}.items())
    answer = json.load(urllib.request.urlopen(api + "?" + q))
    for image in answer["query"]["allimages"]:
        files[image["name"]] = image["sha1"]
    if "continue" not in answer:
        break
    cont = {"aicontinue": answer["continue"]["aicontinue"]}
print(json.dumps(files))
PYEOF
}

# ----------------------------------------------------------------------------------------------- rounds
gatehouse_times=() mwn_times=()
for round in $(seq "$RUNS"); do
    rm -rf "$scratch"
    mkdir -p "$scratch"
    log "round $round/$RUNS: two fresh wikis …"
    start_wiki "$scratch/wiki-gatehouse"
    start_wiki "$scratch/wiki-mwn"

    # Gatehouse: the batch is loaded and fetched first (not timed); the upload is what is timed.
    ws=$scratch/gatehouse
    mkdir -p "$ws"
    batch=$("$CLI" --quiet --catalog "$ws/catalog.sqlite" --store "$ws/store" load "$images")
    "$CLI" --quiet --catalog "$ws/catalog.sqlite" --store "$ws/store" fetch "$batch" >/dev/null
    api=$(cat "$scratch/wiki-gatehouse/api")
    t0=$(now)
    GATEHOUSE_MEDIAWIKI_USER=$(cat "$scratch/wiki-gatehouse/bot_user") \
        GATEHOUSE_MEDIAWIKI_PASSWORD=$(cat "$scratch/wiki-gatehouse/bot_password") \
        "$CLI" --quiet --catalog "$ws/catalog.sqlite" --store "$ws/store" upload "$batch" \
        --target "mediawiki:$api" --jobs "$JOBS" --json >"$results/gatehouse-$round.json"
    t1=$(now)
    gatehouse_times+=("$(calc "$t1 - $t0")")

    # mwn: login, then batchOperation with the same concurrency.
    mapi=$(cat "$scratch/wiki-mwn/api")
    t0=$(now)
    node "$here/mwnupload.js" "$mapi" "$(cat "$scratch/wiki-mwn/bot_user")" "$(cat "$scratch/wiki-mwn/bot_password")" \
        "$images" "$JOBS" >"$results/mwn-$round.json"
    t1=$(now)
    mwn_times+=("$(calc "$t1 - $t0")")

    # Both wikis hold every file once, with the bytes that were sent.
    "$PY" - "$images" "$(wiki_files "$api")" "$(wiki_files "$mapi")" <<'PYEOF'
import hashlib, json, os, sys
root, ours, theirs = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
expected = sorted(hashlib.sha1(open(os.path.join(root, f), "rb").read()).hexdigest()
                  for f in os.listdir(root) if f.endswith(".png"))
for who, files in (("gatehouse", ours), ("mwn", theirs)):
    got = sorted(files.values())
    if got != expected:
        sys.exit(f"{who}: the wiki holds {len(got)} files, {len(set(got) & set(expected))} of the {len(expected)} expected")
PYEOF
    log "  gatehouse ${gatehouse_times[-1]} s, mwn ${mwn_times[-1]} s"
    stop_wiki "$scratch/wiki-gatehouse"
    stop_wiki "$scratch/wiki-mwn"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
g=$(median "${gatehouse_times[@]}")
m=$(median "${mwn_times[@]}")

# ------------------------------------------------------------------------ one chunked upload of 100 MiB
rm -rf "$scratch"
mkdir -p "$scratch"
log "chunked upload of $big_bytes bytes …"
start_wiki "$scratch/wiki-big" --upload-max 8M
ws=$scratch/big
mkdir -p "$ws"
batch=$("$CLI" --quiet --catalog "$ws/catalog.sqlite" --store "$ws/store" load "$big")
"$CLI" --quiet --catalog "$ws/catalog.sqlite" --store "$ws/store" fetch "$batch" >/dev/null
api=$(cat "$scratch/wiki-big/api")
t0=$(now)
GATEHOUSE_MEDIAWIKI_USER=$(cat "$scratch/wiki-big/bot_user") \
    GATEHOUSE_MEDIAWIKI_PASSWORD=$(cat "$scratch/wiki-big/bot_password") \
    "$CLI" --quiet --catalog "$ws/catalog.sqlite" --store "$ws/store" upload "$batch" \
    --target "mediawiki:$api" --json >"$results/big.json"
t1=$(now)
big_seconds=$(calc "$t1 - $t0")
stop_wiki "$scratch/wiki-big"

printf '\n%-44s %10s\n' "upload of $COUNT images ($((bytes / 1024)) KiB), jobs $JOBS" "median s"
printf '%-44s %10.2f\n' "gatehouse-cli upload (look-up + verify)" "$g" "mwn batchOperation (blind)" "$m"
printf '%-44s %10.2f   (goal <= 1.0)\n' "ratio gatehouse/mwn" "$(calc "$g / $m")"
printf '%-44s %10.2f s, %.1f MiB/s\n' "chunked upload of 100 MiB (5 MiB chunks)" "$big_seconds" \
    "$(calc "$big_bytes / $big_seconds / 1048576")"
printf 'rounds: gatehouse %s; mwn %s\n' "${gatehouse_times[*]}" "${mwn_times[*]}"
