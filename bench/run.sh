#!/bin/sh
# run.sh [ROUNDS] — the benchmark run that README.md reports.
#
# The machine is shared and noisy (absolute times drift 2–3× between
# minutes), so every variant runs in every round, in a shuffled order, at
# every size: drift then hits all variants alike, and the ratios are taken
# within a round (the median over rounds is reported). Both benchmark
# binaries (this module's and bench/gorgonia's) are built once.
#
# Raw lines go to results.txt; the summary (markdown) to stdout.
set -eu
cd "$(dirname "$0")"
rounds=${1:-8}
benchtime=${BENCHTIME:-0.3s}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/bench.test" .
(cd gorgonia && go test -c -o "$tmp/gorgonia.test" .)
export ASSUME_NO_MOVING_GC_UNSAFE_RISK_IT_WITH=go1.26
: >results.txt
for r in $(seq "$rounds"); do
	for n in 64 256 1024; do
		for v in $(shuf -e forward forward_ws grad grad_ws hand_ws gorgonia copy interleaved); do
			case $v in
			interleaved) "$tmp/bench.test" -test.run '^$' -test.bench "^BenchmarkInterleaved\$/^n=$n\$" -test.benchtime "$benchtime" ;;
			gorgonia) "$tmp/gorgonia.test" -test.run '^$' -test.bench "^BenchmarkGorgonia\$/^n=$n\$/^gorgonia\$" -test.benchtime "$benchtime" -test.benchmem ;;
			copy) "$tmp/bench.test" -test.run '^$' -test.bench "^BenchmarkCopy\$/^n=$n\$" -test.benchtime "$benchtime" -test.benchmem ;;
			*) "$tmp/bench.test" -test.run '^$' -test.bench "^BenchmarkNet\$/^n=$n\$/^$v\$" -test.benchtime "$benchtime" -test.benchmem ;;
			esac | sed -n "s/^Benchmark/round=$r Benchmark/p" >>results.txt
		done
	done
done
go run summarize.go <results.txt
