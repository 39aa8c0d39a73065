#!/bin/sh
# limits.sh — time and peak memory of matcalc on every hostile input family
# of issue 12 (internal/hostile) at each size, one process per run; exit 0
# is a result, exit 1 an error at a documented limit (README, "Limits").
# The figures in the README come from this script.
set -eu
cd "$(dirname "$0")"
go test -run '^$' -bench '^BenchmarkLimits$' -benchtime "${BENCHTIME:-1x}" . |
	awk '/^BenchmarkLimits\// {
		name = $1; sub(/^BenchmarkLimits\//, "", name); sub(/-[0-9]+$/, "", name)
		gsub(/_/, " ", name)
		printf "%-60s %10.3f s %8.1f MB  exit %s\n", name, $3 / 1e9, $5, $7
	}'
