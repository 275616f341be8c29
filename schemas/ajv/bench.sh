#!/usr/bin/env bash
# Validation benchmark: `registro validate` against AJV 8 on the same NDJSON
# files, whole processes, side by side in one run (BENCHMARKS.md, "Validation
# against AJV").
#
# Usage: schemas/ajv/bench.sh [WORKDIR]   (from anywhere in the repository)
#
# Environment: SIZES (default "20000 200000"), YEAR (default 2024), SEED
# (default 1), GO_CORES (default 1: `registro validate` runs with
# GOMAXPROCS=GO_CORES and as many --workers; AJV is single-threaded),
# KEEP=1 to reuse the data files already in WORKDIR.
#
# What it does:
#  1. builds registro and gendocs, installs AJV (npm ci) when missing;
#  2. writes max(SIZES) generated questionnaires of YEAR with gendocs and
#     keeps those `registro validate` accepts (all of them, when gendocs
#     writes only valid documents), then the first N for each size: valid-N;
#  3. writes invalid-N: each valid document with one mutation that the
#     published schema rejects (mutate.mjs, seeded);
#  4. for each file, runs `registro validate --format ndjson` and
#     `node validate.mjs` (AJV 8, allErrors, the published English schema of
#     YEAR), each under /usr/bin/time -v with its results to /dev/null, and
#     prints a Markdown table: wall and CPU (user + sys) time per document
#     and peak RSS (maximum resident set size) of each process, and the
#     ratios registro / AJV.
# Verdicts are checked too (the script stops otherwise): AJV finds every
# valid-N document valid and every invalid-N one invalid; so does registro
# (valid-N holds only what it accepted; invalid-N is checked line by line at
# the smallest size, by the exit status at the others).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-/tmp/registro-validate-bench}
sizes=${SIZES:-20000 200000}
year=${YEAR:-2024}
seed=${SEED:-1}
cores=${GO_CORES:-1}
mkdir -p "$work"

max=0
min=
for n in $sizes; do
	((n > max)) && max=$n
	[[ -z $min ]] || ((n < min)) && min=$n
done

echo "# building (registro, gendocs) and installing AJV" >&2
(cd "$root" && go build -o "$work/registro" ./examples/registro && go build -o "$work/gendocs" ./reporting/reportingtest/gendocs)
if [[ ! -e "$here/node_modules/ajv/package.json" ]]; then
	npm ci --prefix "$here" --no-audit --no-fund >&2
fi
schemas="$root/schemas/v1"

if [[ "${KEEP:-}" != 1 || ! -s "$work/valid-$max.ndjson" ]]; then
	echo "# generating $max valid questionnaires of $year" >&2
	"$work/gendocs" -n $((max + max / 10)) -year "$year" -seed "$seed" >"$work/raw.ndjson"
	# Keep the documents registro accepts, in order.
	"$work/registro" validate --year "$year" --format ndjson "$work/raw.ndjson" |
		grep -o '"line":[0-9]*,"valid":true' | cut -d: -f2 | cut -d, -f1 >"$work/keep.txt" || true
	awk -v max="$max" 'NR == FNR { keep[$1]; next } FNR in keep { print; if (++c == max) exit }' \
		"$work/keep.txt" "$work/raw.ndjson" >"$work/valid-$max.ndjson"
	got=$(wc -l <"$work/valid-$max.ndjson")
	echo "# $(wc -l <"$work/keep.txt") of $((max + max / 10)) generated documents valid; kept $got" >&2
	((got == max)) || { echo "bench.sh: only $got valid documents" >&2; exit 1; }
	rm -f "$work/raw.ndjson" "$work/keep.txt"
	echo "# mutating them (one mutation each)" >&2
	node "$here/mutate.mjs" "$schemas" "$year" "$seed" <"$work/valid-$max.ndjson" >"$work/invalid-$max.ndjson"
	for n in $sizes; do
		if ((n != max)); then
			sed -n "1,${n}p" "$work/valid-$max.ndjson" >"$work/valid-$n.ndjson"
			sed -n "1,${n}p" "$work/invalid-$max.ndjson" >"$work/invalid-$n.ndjson"
		fi
	done
fi

# measure CMD...: runs CMD under /usr/bin/time -v (stdout to
# /dev/null) and prints "wall_s cpu_s rss_kb exit".
measure() {
	local log=$work/time.log rc=0
	/usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$work/stderr.log" || rc=$?
	awk -v rc="$rc" '
		/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
		/User time/ { u = $NF } /System time/ { s = $NF }
		/Maximum resident set size/ { m = $NF }
		END { printf "%.2f %.2f %d %d\n", w, u + s, m, rc }' "$log"
}

# verdicts FILE: "VALID INVALID" according to registro.
verdicts() {
	"$work/registro" validate --year "$year" --format ndjson "$1" |
		awk '/"valid":true/ { v++ } /"valid":false/ { i++ } END { print v + 0, i + 0 }'
}

echo "machine: $(nproc) cores, $(uname -m), $(go version | cut -d' ' -f3), node $(node --version), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
echo
echo "| input | documents | registro wall / CPU per doc | registro peak RSS | AJV wall / CPU per doc | AJV peak RSS | ratio (wall, CPU) |"
echo "|---|---|---|---|---|---|---|"
for kind in valid invalid; do
	for n in $sizes; do
		f=$work/$kind-$n.ndjson
		if ((n == min)); then
			read -r v i <<<"$(verdicts "$f")"
			if [[ $kind == valid && $i != 0 || $kind == invalid && $v != 0 ]]; then
				echo "bench.sh: $f: registro finds $v valid and $i invalid" >&2
				exit 1
			fi
		fi
		read -r gw gc gm grc <<<"$(GOMAXPROCS=$cores measure "$work/registro" validate --year "$year" --format ndjson --workers "$cores" "$f")"
		read -r aw ac am arc <<<"$(measure node "$here/validate.mjs" "$schemas" "$year" "$f")"
		ajvsum=$(cat "$work/stderr.log")
		want=0
		[[ $kind == invalid ]] && want=1
		wantsum="$n documents, $((n * (1 - want))) valid, $((n * want)) invalid"
		if [[ $grc != "$want" || $arc != "$want" || $ajvsum != *"$wantsum"* ]]; then
			echo "bench.sh: $f: exit status registro $grc, AJV $arc, want $want ($ajvsum)" >&2
			exit 1
		fi
		awk -v k="$kind" -v n="$n" -v gw="$gw" -v gc="$gc" -v gm="$gm" -v aw="$aw" -v ac="$ac" -v am="$am" 'BEGIN {
			printf "| %s | %d | %.0f / %.0f µs | %.0f MB | %.0f / %.0f µs | %.0f MB | %.2f, %.2f |\n",
				k, n, gw / n * 1e6, gc / n * 1e6, gm / 1024, aw / n * 1e6, ac / n * 1e6, am / 1024, gw / aw, gc / ac }'
	done
done
echo
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
