//go:build ignore

// summarize reads the lines run.sh collects and prints the README table:
// per size and variant the median ns/op, B/op and allocs/op, and the ratios
// taken within each round (median over rounds).
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
)

type key struct {
	n       int
	variant string
}

var line = regexp.MustCompile(`^round=(\d+) Benchmark\w+/n=(\d+)(?:/(\w+))?-\d+\s+\d+\s+([\d.]+) ns/op(?:\s+([\d.]+) MB/s)?(?:\s+(\d+) B/op\s+(\d+) allocs/op)?`)

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
	ns := map[key][]float64{}
	bop := map[key][]float64{}
	aop := map[key][]float64{}
	byRound := map[int]map[key]float64{}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		r, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		v := m[3]
		if v == "" {
			v = "copy"
		}
		k := key{n, v}
		t, _ := strconv.ParseFloat(m[4], 64)
		ns[k] = append(ns[k], t)
		if m[6] != "" {
			b, _ := strconv.ParseFloat(m[6], 64)
			a, _ := strconv.ParseFloat(m[7], 64)
			bop[k] = append(bop[k], b)
			aop[k] = append(aop[k], a)
		}
		if byRound[r] == nil {
			byRound[r] = map[key]float64{}
		}
		byRound[r][k] = t
	}
	variants := []string{"forward", "forward_ws", "grad", "grad_ws", "hand_ws", "gorgonia"}
	sizes := []int{64, 256, 1024}
	fmt.Printf("rounds: %d\n\n", len(byRound))
	fmt.Println("| n | variant | ns/op (median) | min–max | B/op | allocs/op |")
	fmt.Println("|---|---|---:|---:|---:|---:|")
	for _, n := range sizes {
		for _, v := range variants {
			k := key{n, v}
			if len(ns[k]) == 0 {
				continue
			}
			s := append([]float64(nil), ns[k]...)
			sort.Float64s(s)
			fmt.Printf("| %d | %s | %.0f | %.0f–%.0f | %.0f | %.0f |\n", n, v, median(ns[k]), s[0], s[len(s)-1], median(bop[k]), median(aop[k]))
		}
	}
	ratio := func(n int, a, b string) float64 {
		var rs []float64
		for _, m := range byRound {
			x, okx := m[key{n, a}]
			y, oky := m[key{n, b}]
			if okx && oky && y > 0 {
				rs = append(rs, x/y)
			}
		}
		return median(rs)
	}
	fmt.Println()
	fmt.Println("| n | grad_ws / hand_ws (target ≤ 1.0) | grad_ws / forward_ws (target ≤ 2.5 at n ≤ 256) | grad / forward | gorgonia / grad_ws | gorgonia / hand_ws |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	for _, n := range sizes {
		fmt.Printf("| %d | %.2f | %.2f | %.2f | %.1f | %.1f |\n", n,
			ratio(n, "grad_ws", "hand_ws"), ratio(n, "grad_ws", "forward_ws"), ratio(n, "grad", "forward"),
			ratio(n, "gorgonia", "grad_ws"), ratio(n, "gorgonia", "hand_ws"))
	}
	fmt.Println()
	for _, n := range sizes {
		c := median(ns[key{n, "copy"}])
		if c == 0 {
			continue
		}
		copyBW := 16 * float64(n) * float64(n) / c // bytes per ns = GB/s
		g := median(ns[key{n, "grad_ws"}])
		h := median(ns[key{n, "hand_ws"}])
		need := 48 * float64(n) * float64(n)
		fmt.Printf("n=%d: the gradient moves at least 48n² = %.1f MiB; grad_ws achieves %.2f GB/s, hand_ws %.2f GB/s; copy (n² float64s) %.2f GB/s, so grad_ws runs at %.0f%% of copy bandwidth.\n",
			n, need/(1<<20), need/g, need/h, copyBW, 100*(need/g)/copyBW)
	}
}
