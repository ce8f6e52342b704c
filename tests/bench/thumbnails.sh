#!/usr/bin/env bash
# Thumbnail benchmark: Gatehouse's JPEG 2000 thumbnails against ImageMagick and opj_decompress.
#
#   tests/bench/thumbnails.sh [PAGES]        (default 8 pages)
#
# Generates PAGES scanned-newspaper-like pages of 4000×5000 pixels (paper grain, columns of text, a picture),
# encodes each with opj_compress defaults twice (lossless, and lossy with -r 20), then times on every page:
#   gatehouse    gatehouse-thumbbench thumb page.jp2 out.png 256   a process per thumbnail, as the tools run
#   batch        gatehouse-cli thumbnails on a batch of the pages (loaded and stored once beforehand), the
#                cache emptied before each run: one process, a thumbnail per core at once, per page
#   in-process   ThumbnailGenerator::generate() repeated in one process: what the GUI's thread pool pays
#   opj          opj_decompress -i page.jp2 -o out.png -r 4
#   imagemagick  convert page.jp2 -thumbnail 256x256 out.png
# Gatehouse and opj_decompress are timed in the same hyperfine run per page, so load from other processes
# hits both alike. Prints medians per page and overall, and the ratios imagemagick/gatehouse (target >= 20)
# and gatehouse/opj (target <= 1.5), both judged on the process-per-thumbnail numbers. Exit status 1 when a
# target is missed.
#
# Environment: BUILD_DIR (default build-bench in the repository), WORK_DIR (default /tmp/gatehouse-thumbbench;
# the pages, 150 MB for 8, are kept there and reused), RUNS (default 10), IM_RUNS (ImageMagick runs per page,
# default 3). hyperfine's JSON and the summary go to tests/bench/results/thumbnails/ (ignored by git).

set -euo pipefail

pages=${1:-8}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$repo/build-bench}
work=${WORK_DIR:-${TMPDIR:-/tmp}/gatehouse-thumbbench}
runs=${RUNS:-10}
im_runs=${IM_RUNS:-3}
size=256
python=$(command -v /usr/bin/python3 || command -v python3)

for tool in cmake ninja hyperfine opj_compress opj_decompress convert; do
    command -v "$tool" >/dev/null || { echo "thumbnails.sh: $tool is not installed" >&2; exit 2; }
done

echo "== building gatehouse-thumbbench in $build"
if [[ ! -f $build/build.ninja ]]; then
    cmake -S "$repo" -B "$build" -G Ninja -DGATEHOUSE_BUILD_GUI=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) >/dev/null
fi
ninja -C "$build" -j2 gatehouse-thumbbench gatehouse-cli >/dev/null
bench=$build/bin/gatehouse-thumbbench
cli=$build/bin/gatehouse-cli

results=$repo/tests/bench/results/thumbnails
mkdir -p "$work/pages" "$work/out" "$results"
# Qt complains on every start without one; the benchmark should not print that 200 times.
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/runtime}
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
echo "== pages in $work/pages"
lossless=() lossy=()
for ((i = 1; i <= pages; ++i)); do
    page=$(printf '%s/pages/page-%02d' "$work" "$i")
    if [[ ! -s $page-lossless.jp2 || ! -s $page-r20.jp2 ]]; then
        echo "   generating $(basename "$page") (4000×5000, opj_compress lossless and -r 20)"
        QT_QPA_PLATFORM=offscreen "$bench" page "$page.ppm" 4000 5000 "$i"
        # -threads only parallelises the encoder; the codestream is the same as with the defaults.
        opj_compress -i "$page.ppm" -o "$page-lossless.jp2" -threads "$(nproc)" >/dev/null 2>&1
        opj_compress -i "$page.ppm" -o "$page-r20.jp2" -r 20 -threads "$(nproc)" >/dev/null 2>&1
        rm -f "$page.ppm"
    fi
    lossless+=("$page-lossless.jp2")
    lossy+=("$page-r20.jp2")
done

join() { local IFS=,; echo "$*"; }

measure() { # variant, files…
    local variant=$1; shift
    local page n=0
    echo "== $variant: gatehouse and opj_decompress -r 4, $runs runs each per page"
    for page in "$@"; do
        n=$((n + 1))
        hyperfine -N --style none --warmup 2 --runs "$runs" \
            --export-json "$results/process-$variant-$n.json" \
            -n gatehouse "$bench thumb $page $work/out/gatehouse.png $size" \
            -n opj "opj_decompress -i $page -o $work/out/opj.png -r 4" >/dev/null
    done
    echo "== $variant: gatehouse-cli thumbnails (one process, all pages), $runs runs"
    # The pages become a batch once (hard links: no second copy of the source); each run starts from an
    # empty thumbnail cache.
    local batch=$work/batch-$variant
    rm -rf "$batch"
    mkdir -p "$batch/src"
    ln "$@" "$batch/src/"
    "$cli" --catalog "$batch/catalog.sqlite" --store "$batch/store" run "$batch/src" -q >/dev/null
    hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$results/batch-$variant.json" \
        --prepare "rm -rf $batch/cache" \
        "env XDG_CACHE_HOME=$batch/cache $cli --catalog $batch/catalog.sqlite thumbnails 1 --size $size -q" \
        >/dev/null
    echo "== $variant: gatehouse in-process"
    "$bench" inprocess "$size" "$runs" 0 "$@" >"$results/inprocess-$variant.tsv"
    echo "== $variant: ImageMagick convert -thumbnail, $im_runs runs per page"
    hyperfine -N --style none --runs "$im_runs" -L page "$(join "$@")" \
        --export-json "$results/imagemagick-$variant.json" \
        "convert {page} -thumbnail ${size}x${size} $work/out/imagemagick.png" >/dev/null
}

measure lossless "${lossless[@]}"
measure r20 "${lossy[@]}"

status=0
"$python" - "$results" "$pages" <<'PY' | tee "$results/summary.txt" || status=$?
import glob, json, os, statistics, sys

results, pages = sys.argv[1], int(sys.argv[2])
ok = True

def load(name):
    with open(os.path.join(results, name)) as f:
        return json.load(f)["results"]

for variant in ("lossless", "r20"):
    rows = []
    for n in range(1, pages + 1):
        timed = {r["command"]: r for r in load(f"process-{variant}-{n}.json")}
        rows.append({"gatehouse": timed["gatehouse"]["median"] * 1000, "opj": timed["opj"]["median"] * 1000})
    magick = load(f"imagemagick-{variant}.json")
    inprocess = []
    with open(os.path.join(results, f"inprocess-{variant}.tsv")) as f:
        for line in f:
            path, ms, reduction = line.rstrip("\n").split("\t")
            inprocess.append((os.path.basename(path), float(ms), int(reduction)))
    for row, m, (name, ms, reduction) in zip(rows, magick, inprocess):
        row.update(page=name, magick=m["median"] * 1000, inprocess=ms, reduction=reduction)
    batch = load(f"batch-{variant}.json")[0]["median"] * 1000 / pages

    print(f"\n{variant}: median ms per page, 256 px thumbnail of a 4000×5000 page")
    print(f"{'page':<22}{'gatehouse':>10}{'in-proc':>9}{'reduce':>7}{'opj -r 4':>10}{'magick':>9}"
          f"{'magick/gh':>11}{'gh/opj':>8}")
    for r in rows:
        print(f"{r['page']:<22}{r['gatehouse']:>10.1f}{r['inprocess']:>9.1f}{r['reduction']:>7}{r['opj']:>10.1f}"
              f"{r['magick']:>9.0f}{r['magick'] / r['gatehouse']:>11.1f}{r['gatehouse'] / r['opj']:>8.2f}")
    g = statistics.median(r["gatehouse"] for r in rows)
    ip = statistics.median(r["inprocess"] for r in rows)
    o = statistics.median(r["opj"] for r in rows)
    m = statistics.median(r["magick"] for r in rows)
    print(f"{'median of pages':<22}{g:>10.1f}{ip:>9.1f}{'':>7}{o:>10.1f}{m:>9.0f}{m / g:>11.1f}{g / o:>8.2f}")
    print(f"  batch, one process for all pages: {batch:.1f} ms per page "
          f"(magick/gh {m / batch:.0f}, gh/opj {batch / o:.2f})")
    print(f"  in-process, warm: {ip:.1f} ms per page (magick/gh {m / ip:.0f}, gh/opj {ip / o:.2f})")
    fast_enough = m / g >= 20
    close_to_opj = g / o <= 1.5
    print(f"  target imagemagick/gatehouse >= 20, process per thumbnail: "
          f"{'met' if fast_enough else 'MISSED'} ({m / g:.1f})")
    print(f"  target gatehouse/opj_decompress <= 1.5, process per thumbnail: "
          f"{'met' if close_to_opj else 'MISSED'} ({g / o:.2f})")
    ok = ok and fast_enough and close_to_opj

sys.exit(0 if ok else 1)
PY
exit "$status"
