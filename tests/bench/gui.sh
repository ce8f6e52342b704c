#!/usr/bin/env bash
# GUI benchmark: the thumbnail grid with a 100,000-file batch.
#
#   tests/bench/gui.sh [ROWS] [FILES]        (default 100000 rows over 300 images of 1600×1200)
#
# Builds gatehouse-guibench in the build folder (RelWithDebInfo unless it was configured otherwise), writes the images once under WORK_DIR, then runs the
# grid offscreen: the rows arrive in batches of 2,000, the first screen of thumbnails loads, and the grid is
# scrolled top to bottom in 100 steps while thumbnails load. Prints the time to the first screen of
# thumbnails (goal <= 2 s), the longest GUI-thread block measured with a 5 ms timer (goal <= 50 ms) and the
# peak RSS (goal < 1 GB); exit status 1 when a goal is missed.
#
# Environment: BUILD_DIR (default build in the repository; configured with the GUI when missing), WORK_DIR (default
# /tmp/gatehouse-guibench).

set -euo pipefail

rows=${1:-100000}
files=${2:-300}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$repo/build}
work=${WORK_DIR:-${TMPDIR:-/tmp}/gatehouse-guibench}

if [[ ! -f $build/build.ninja ]]; then
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) >/dev/null
fi
ninja -C "$build" -j2 gatehouse-guibench >/dev/null
mkdir -p "$work"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/runtime}
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
QT_QPA_PLATFORM=offscreen "$build/bin/gatehouse-guibench" "$work" "$rows" "$files" 1600 1200
