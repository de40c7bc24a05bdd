#!/usr/bin/env bash
# Run every notebook as `make test` does (nbdev_test, two workers, one torch thread each), print a table of the times,
# and fail when a notebook exceeds the budget (PAPER_NOTEBOOK: 150 s each; CI fails above NB_TIME_LIMIT, default 200 s).
set -uo pipefail
LIMIT=${NB_TIME_LIMIT:-200}
log=$(mktemp)
FGVC_NUM_WORKERS=0 OMP_NUM_THREADS=1 nbdev_test --n_workers 2 --timing "$@" 2>&1 | tee "$log"   # no loader processes beside the two notebooks
rc=${PIPESTATUS[0]}
echo; echo "notebook test times (limit ${LIMIT} s):"
awk -v lim="$LIMIT" '/\.ipynb: [0-9]+ secs$/ { t=$(NF-1); printf "  %-24s %5d s%s\n", $1, t, (t>lim ? "  OVER THE LIMIT" : "") }' "$log"
over=$(awk -v lim="$LIMIT" '/\.ipynb: [0-9]+ secs$/ { if ($(NF-1) > lim) n++ } END { print n+0 }' "$log")
rm -f "$log"
[ "$rc" = 0 ] || { echo "ERROR: notebook tests failed"; exit "$rc"; }
[ "$over" = 0 ] || { echo "ERROR: $over notebook(s) took longer than ${LIMIT} s"; exit 1; }
