#!/usr/bin/env bash
# QA benchmark: gatehouse-cli check against opj_decompress -r 3, and its XML validation against xmllint.
#
#   tests/bench/check.sh [PAGES] [WIDTH HEIGHT]       (default 200 pages of 4000×5000)
#
# Generates a clean newspaper batch (the QA tests' generator: JPEG 2000 from opj_compress -r 20, MIX, MODS and
# ALTO per page, all valid against the published schemas), loads and fetches it once, then
# times with hyperfine, in the same run so other load on the machine hits all alike:
#   check       gatehouse-cli check BATCH --schemas CATALOG: every check, image statistics from one reduced
#               decode per page; the catalog is restored before each run, so nothing kept is reused
#   opj         opj_decompress -r 3 over the same pages, one process per page, as many at once as cores
#               (xargs -P; the check decodes a page per core too)
#   opj-serial  the same, one page after another (reported, not judged)
#   xml         gatehouse-cli check with only xml-wellformed and xml-schema
#   xmllint     xmllint --noout --nonet --schema SCHEMA FILE for each XML file of the batch (catalog set)
# Targets: check <= 1.5 × opj, and xmllint >= 5 × xml. Prints medians and ratios; exit status 1 when a
# target is missed.
#
# Environment: BUILD_DIR (default build-bench in the repository; BUILD_DIR=build reuses a development
# build), WORK_DIR (default /tmp/gatehouse-checkbench; the batch is kept there and reused), RUNS (default 5),
# SCHEMAS (default /work/shared/schemas), ALTO_LINES (default 750: four words a line, 3000 words and about
# 420 KB an ALTO file, what a newspaper page has; 3 makes ALTO files tiny, so schema compilation dominates
# xmllint's time as it does for MIX and MODS). Results go to tests/bench/results/check/ (ignored by git).

set -euo pipefail

pages=${1:-200}
width=${2:-4000}
height=${3:-5000}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$repo/build-bench}
work=${WORK_DIR:-${TMPDIR:-/tmp}/gatehouse-checkbench}
runs=${RUNS:-5}
schemas=${SCHEMAS:-/work/shared/schemas}
alto_lines=${ALTO_LINES:-750}
catalog_xml=$schemas/catalog.xml

for tool in cmake ninja hyperfine opj_compress opj_decompress xmllint xargs; do
    command -v "$tool" >/dev/null || { echo "check.sh: $tool is not installed" >&2; exit 2; }
done
[[ -f $catalog_xml ]] || { echo "check.sh: no schema catalog at $catalog_xml (set SCHEMAS)" >&2; exit 2; }

echo "== building gatehouse-cli and gatehouse-qabatchgen in $build"
if [[ ! -f $build/build.ninja ]]; then
    cmake -S "$repo" -B "$build" -G Ninja -DGATEHOUSE_BUILD_GUI=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) >/dev/null
fi
ninja -C "$build" -j2 gatehouse-cli gatehouse-qabatchgen >/dev/null
cli=$build/bin/gatehouse-cli
gen=$build/bin/gatehouse-qabatchgen

results=$repo/tests/bench/results/check/$pages-${width}x$height-alto$alto_lines
mkdir -p "$work" "$results" "$work/out"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/runtime}
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
# The CLI's data folder stays inside the work folder: no fetched schemas, no thumbnails elsewhere.
export XDG_DATA_HOME=$work/data XDG_CACHE_HOME=$work/cache XDG_CONFIG_HOME=$work/config

batchdir=$work/batch-$pages-${width}x$height-alto$alto_lines
if [[ ! -f $batchdir/done ]]; then
    echo "== generating $pages pages of ${width}×${height} in $batchdir (opj_compress -r 20; this takes a while)"
    rm -rf "$batchdir"
    mkdir -p "$batchdir"
    start=$SECONDS
    "$gen" "$batchdir" "$pages" "$width" "$height" 20 "$alto_lines" >/dev/null
    echo "   generated in $((SECONDS - start)) s"
    touch "$batchdir/done"
fi
delivery=$(find "$batchdir" -maxdepth 1 -type d -name 'B*-RT1' | head -1)

ws=$work/ws-$pages-${width}x$height-alto$alto_lines
if [[ ! -f $ws/batch ]]; then
    echo "== loading and fetching the batch once"
    rm -rf "$ws"
    mkdir -p "$ws"
    "$cli" --catalog "$ws/catalog.sqlite" --store "$ws/store" load "$delivery" --json |
        sed -n 's/.*"batch":\([0-9]*\).*/\1/p' >"$ws/batch"
    "$cli" --catalog "$ws/catalog.sqlite" --store "$ws/store" fetch "$(cat "$ws/batch")" >/dev/null
    # The pristine catalog each check run starts from: no findings, no kept statistics. status opens it
    # once more, which checkpoints the write-ahead log into the file that is copied.
    "$cli" --catalog "$ws/catalog.sqlite" status >/dev/null
    cp "$ws/catalog.sqlite" "$ws/catalog.pristine"
fi
batch=$(cat "$ws/batch")
jp2s=$(find "$delivery" -name '*.jp2' | sort)
npages=$(echo "$jp2s" | wc -l)
echo "$jp2s" >"$work/pages.txt"
cores=$(nproc)

# XML files and the schema each one is validated with, for xmllint.
: >"$work/xml.txt"
while IFS= read -r f; do
    case $f in
    *.alto.xml) echo "$schemas/alto/alto-2-0.xsd $f" ;;
    *.mix.xml) echo "$schemas/mix/mix-2-0.xsd $f" ;;
    *.xml) echo "$schemas/mods/mods-3-8.xsd $f" ;;
    esac
done < <(find "$delivery" -name '*.xml' | sort) >"$work/xml.txt"
nxml=$(wc -l <"$work/xml.txt")

printf '[check]\nchecks=xml-wellformed,xml-schema\n' >"$work/xml-only.ini"
restore="cp $ws/catalog.pristine $ws/catalog.sqlite && rm -f $ws/catalog.sqlite-wal $ws/catalog.sqlite-shm"
check_cmd="$cli --quiet --catalog $ws/catalog.sqlite --store $ws/store check $batch --schemas $catalog_xml"
xml_cmd="$check_cmd --profile $work/xml-only.ini"
# The peers as small scripts, so hyperfine runs them without quoting games. Each parallel opj process writes
# its own output file.
cat >"$work/opj-parallel.sh" <<SCRIPT
#!/usr/bin/env bash
xargs -P $cores -I{} sh -c 'opj_decompress -i "\$1" -o "$work/out/\$(basename "\$1").pgm" -r 3 >/dev/null' _ {} <"$work/pages.txt"
SCRIPT
cat >"$work/opj-serial.sh" <<SCRIPT
#!/usr/bin/env bash
while read -r page; do opj_decompress -i "\$page" -o "$work/out/serial.pgm" -r 3 >/dev/null || exit 1; done <"$work/pages.txt"
SCRIPT
cat >"$work/xmllint.sh" <<SCRIPT
#!/usr/bin/env bash
export XML_CATALOG_FILES=$catalog_xml
while read -r schema file; do xmllint --noout --nonet --schema "\$schema" "\$file" 2>/dev/null || exit 1; done <"$work/xml.txt"
SCRIPT
chmod +x "$work/opj-parallel.sh" "$work/opj-serial.sh" "$work/xmllint.sh"

echo "== $npages pages, $nxml XML files; $runs runs each"
# check exits 1 when it finds something; the clean batch must give 0, so a failure here is real.
hyperfine --style basic --runs "$runs" --warmup 1 --export-json "$results/images.json" \
    --prepare "$restore" -n check "$check_cmd" \
    -n opj "$work/opj-parallel.sh" \
    -n opj-serial "$work/opj-serial.sh"
hyperfine --style basic --runs "$runs" --warmup 1 --export-json "$results/xml.json" \
    --prepare "$restore" -n xml "$xml_cmd" \
    -n xmllint "$work/xmllint.sh"

python=$(command -v /usr/bin/python3 || command -v python3)
"$python" - "$results/images.json" "$results/xml.json" "$npages" "$nxml" <<'PY' | tee "$results/summary.txt"
import json, sys
def load(path):
    return {r["command"]: r for r in json.load(open(path))["results"]}
images, xml = load(sys.argv[1]), load(sys.argv[2])
pages, nxml = int(sys.argv[3]), int(sys.argv[4])
wall = lambda r: r["median"]
cpu = lambda r: r["user"] + r["system"]
check, opj, serial = images["check"], images["opj"], images["opj-serial"]
ours, lint = xml["xml"], xml["xmllint"]
print(f"pages {pages}, XML files {nxml}; medians of wall time, and mean CPU time (user + system)")
print(f"check                      {wall(check):8.2f} s wall  {cpu(check):8.2f} s CPU  ({wall(check) / pages * 1000:.0f} ms per page)")
print(f"opj_decompress -r 3 (-P)   {wall(opj):8.2f} s wall  {cpu(opj):8.2f} s CPU  ({wall(opj) / pages * 1000:.0f} ms per page)")
print(f"opj_decompress -r 3 serial {wall(serial):8.2f} s wall  {cpu(serial):8.2f} s CPU")
print(f"check / opj                {wall(check) / wall(opj):8.2f} wall  {cpu(check) / cpu(opj):8.2f} CPU   (target <= 1.5, on wall time)")
print(f"xml (check, XML only)      {wall(ours):8.2f} s wall  {cpu(ours):8.2f} s CPU  ({wall(ours) / nxml * 1000:.1f} ms per file)")
print(f"xmllint --schema per file  {wall(lint):8.2f} s wall  {cpu(lint):8.2f} s CPU  ({wall(lint) / nxml * 1000:.1f} ms per file)")
print(f"xmllint / xml              {wall(lint) / wall(ours):8.2f} wall  {cpu(lint) / cpu(ours):8.2f} CPU   (target >= 5, on wall time)")
sys.exit(0 if wall(check) / wall(opj) <= 1.5 and wall(lint) / wall(ours) >= 5 else 1)
PY
