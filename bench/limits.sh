#!/bin/sh
# limits.sh — time and peak memory of matcalc on every hostile input family
# of issue 12 (internal/hostile) at each size, one process per run; exit 0
# is a result, exit 1 an error at a documented limit (README, "Limits").
# The figures in the README come from this script.
set -eu
cd "$(dirname "$0")"
go test -run '^$' -bench '^BenchmarkLimits$' -benchtime "${BENCHTIME:-1x}" -timeout 60m . |
	awk '/^BenchmarkLimits\// {
		name = $1; sub(/^BenchmarkLimits\//, "", name); sub(/-[0-9]+$/, "", name)
		gsub(/_/, " ", name)
		# value-unit pairs after the iteration count, in any order
		for (i = 3; i < NF; i += 2) v[$(i + 1)] = $i
		printf "%-60s %10.3f s %8.1f MB  exit %d\n", name, v["ns/op"] / 1e9, v["maxrss-MB"], v["exit"]
	}
	/^--- FAIL|^panic|^FAIL/ { print; failed = 1 }
	END { exit failed }'
