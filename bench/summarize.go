//go:build ignore

// summarize reads the lines run.sh collects and prints the tables of
// README.md: per size and variant the median ns/op, B/op and allocs/op over
// the rounds, and the ratios, each taken within a round and then the median
// over rounds.
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type key struct {
	n    int
	what string // variant or metric
}

var head = regexp.MustCompile(`^round=(\d+) Benchmark(\w+)/n=(\d+)(?:/(\w+))?-\d+\s+\d+\s+(.*)$`)

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func main() {
	vals := map[key]map[string][]float64{} // (n, variant) → unit → values
	rounds := map[int]map[key]map[string]float64{}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		m := head.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		r, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[3])
		v := m[4]
		switch m[2] {
		case "Copy":
			v = "copy"
		case "Interleaved":
			v = "interleaved"
		}
		k := key{n, v}
		if vals[k] == nil {
			vals[k] = map[string][]float64{}
		}
		if rounds[r] == nil {
			rounds[r] = map[key]map[string]float64{}
		}
		rounds[r][k] = map[string]float64{}
		f := strings.Fields(m[5])
		for i := 0; i+1 < len(f); i += 2 {
			x, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			vals[k][f[i+1]] = append(vals[k][f[i+1]], x)
			rounds[r][k][f[i+1]] = x
		}
	}
	sizes := []int{64, 256, 1024}
	fmt.Printf("Rounds: %d. Medians over the rounds; ratios taken within each round, then the median.\n\n", len(rounds))
	fmt.Println("| n | variant | ns/op | min–max ns/op | B/op | allocs/op |")
	fmt.Println("|---:|---|---:|---:|---:|---:|")
	for _, n := range sizes {
		for _, v := range []string{"forward", "forward_ws", "grad", "grad_ws", "hand_ws", "gorgonia"} {
			x := vals[key{n, v}]
			if len(x["ns/op"]) == 0 {
				continue
			}
			s := append([]float64(nil), x["ns/op"]...)
			sort.Float64s(s)
			fmt.Printf("| %d | %s | %.0f | %.0f–%.0f | %.0f | %.0f |\n", n, v, median(s), s[0], s[len(s)-1], median(x["B/op"]), median(x["allocs/op"]))
		}
	}
	ratio := func(n int, a, b string) float64 {
		var rs []float64
		for _, m := range rounds {
			x, okx := m[key{n, a}]
			y, oky := m[key{n, b}]
			if okx && oky && y["ns/op"] > 0 {
				rs = append(rs, x["ns/op"]/y["ns/op"])
			}
		}
		return median(rs)
	}
	fmt.Println()
	fmt.Println("In-process interleaved (BenchmarkInterleaved: the workspace variants and the floor called in turn, median per call):")
	fmt.Println()
	fmt.Println("| n | forward_ws ns | grad_ws ns | hand_ws ns | floor ns | grad_ws / hand_ws (target ≤ 1.0) | grad_ws / forward_ws (target ≤ 2.5 at n ≤ 256) | floor / forward_ws | grad_ws / floor |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, n := range sizes {
		x := vals[key{n, "interleaved"}]
		fmt.Printf("| %d | %.0f | %.0f | %.0f | %.0f | %.3f | %.2f | %.2f | %.3f |\n", n, median(x["forward_ws-ns/call"]), median(x["grad_ws-ns/call"]),
			median(x["hand_ws-ns/call"]), median(x["floor-ns/call"]), median(x["grad_ws/hand_ws"]), median(x["grad_ws/forward_ws"]),
			median(x["floor/forward_ws"]), median(x["grad_ws/floor"]))
	}
	fmt.Println()
	fmt.Println("Separate runs (BenchmarkNet, Gorgonia), ratio within each round:")
	fmt.Println()
	fmt.Println("| n | grad / forward (plain) | grad_ws / hand_ws | gorgonia / hand_ws | gorgonia / grad_ws | gorgonia / grad (plain) |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|")
	for _, n := range sizes {
		fmt.Printf("| %d | %.2f | %.2f | %.1f | %.1f | %.1f |\n", n, ratio(n, "grad", "forward"), ratio(n, "grad_ws", "hand_ws"),
			ratio(n, "gorgonia", "hand_ws"), ratio(n, "gorgonia", "grad_ws"), ratio(n, "gorgonia", "grad"))
	}
	fmt.Println()
	for _, n := range sizes {
		c := median(vals[key{n, "copy"}]["ns/op"])
		g := median(vals[key{n, "interleaved"}]["grad_ws-ns/call"])
		h := median(vals[key{n, "interleaved"}]["hand_ws-ns/call"])
		if c == 0 || g == 0 {
			continue
		}
		need := 48 * float64(n) * float64(n)
		copyBW := 16 * float64(n) * float64(n) / c // bytes per ns = GB/s
		fmt.Printf("- n=%d: the gradient moves at least 48n² = %.2f MiB; grad_ws %.2f GB/s, hand_ws %.2f GB/s; copying n² float64s runs at %.2f GB/s (read + write), so grad_ws reaches %.0f%% of copy bandwidth.\n",
			n, need/(1<<20), need/g, need/h, copyBW, 100*(need/g)/copyBW)
	}
}
