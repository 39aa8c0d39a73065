package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite the outputs shown in ../../README.md from the real command")

// TestREADME runs every command the README shows ("$ matcalc …" in a code
// block) and compares its output with the lines shown under it; with
// -update-readme it writes the real output there instead. Every result in
// the README's table of formulas must be one that derive prints for that
// formula (by default, with --order 2, or with a --wrt the cell names).
// So the README cannot drift from what matcalc does.
func TestREADME(t *testing.T) {
	const path = "../../README.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var out []string
	inBlock, commands := false, 0
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		out = append(out, l)
		if strings.HasPrefix(l, "```") {
			inBlock = !inBlock
			continue
		}
		if !inBlock || !strings.HasPrefix(l, "$ matcalc ") {
			continue
		}
		commands++
		args, err := shellWords(strings.TrimPrefix(l, "$ matcalc "))
		if err != nil {
			t.Fatalf("README.md:%d: %v", i+1, err)
		}
		got, _ := runREADME(args)
		// The lines shown: up to the next command or the block's end, less
		// the blank line before a next command.
		j := i + 1
		for j < len(lines) && !strings.HasPrefix(lines[j], "$ ") && !strings.HasPrefix(lines[j], "```") {
			j++
		}
		shown := lines[i+1 : j]
		sep := j < len(lines) && strings.HasPrefix(lines[j], "$ ")
		if sep && len(shown) > 0 && shown[len(shown)-1] == "" {
			shown = shown[:len(shown)-1]
		}
		want := strings.TrimRight(got, "\n")
		if *updateREADME {
			out = append(out, strings.Split(want, "\n")...)
			if sep {
				out = append(out, "")
			}
		} else if strings.Join(shown, "\n") != want {
			t.Errorf("README.md:%d: matcalc %s prints\n%s\nbut the README shows\n%s\n(go test ./cmd/matcalc -run TestREADME -update-readme rewrites it)", i+1, strings.Join(args, " "), want, strings.Join(shown, "\n"))
		}
		if *updateREADME {
			i = j - 1
		} else {
			out = append(out, shown...)
			if sep {
				out = append(out, "")
			}
			i = j - 1
		}
	}
	if commands < 4 {
		t.Fatalf("README.md shows %d commands; the test finds fewer than expected", commands)
	}
	if *updateREADME {
		if err := os.WriteFile(path, []byte(strings.Join(out, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkREADMETable(t, lines)
}

var (
	tableRow = regexp.MustCompile("^[|] `([^`]+)` [|] (.*) [|]$")
	fragment = regexp.MustCompile("`([^`]+)`")
	wrtFlag  = regexp.MustCompile(`^--wrt (\S+)$`)
)

// checkREADMETable checks the table of formulas and results: every result
// shown (a backquoted piece that is not a flag) is printed by derive.
func checkREADMETable(t *testing.T, lines []string) {
	rows, start := 0, -1
	for i, l := range lines {
		if strings.HasPrefix(l, "More results") {
			start = i
		}
	}
	if start < 0 {
		t.Fatal(`README.md has no "More results" table`)
	}
	for i := start + 1; i < len(lines) && (i < start+3 || lines[i] != ""); i++ {
		l := lines[i]
		m := tableRow.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		rows++
		formula, cell := m[1], m[2]
		runs := [][]string{{"derive", "--", formula}, {"derive", "--order", "2", "--", formula}}
		var pieces []string
		for _, f := range fragment.FindAllStringSubmatch(cell, -1) {
			if w := wrtFlag.FindStringSubmatch(f[1]); w != nil {
				runs = append(runs, []string{"derive", "--wrt", w[1], "--", formula}, []string{"derive", "--order", "2", "--wrt", w[1], "--", formula})
				continue
			}
			if !strings.HasPrefix(f[1], "--") {
				pieces = append(pieces, f[1])
			}
		}
		var all strings.Builder
		for _, r := range runs {
			o, _ := runREADME(r)
			all.WriteString(o)
		}
		for _, p := range pieces {
			if !strings.Contains(all.String(), p) {
				t.Errorf("README.md:%d: %s: matcalc prints no %q; it prints\n%s", i+1, formula, p, all.String())
			}
		}
	}
	if rows < 5 {
		t.Fatalf("README.md's table of results has %d rows; the test finds fewer than expected", rows)
	}
}

// runREADME runs matcalc in this process and returns what it printed.
func runREADME(args []string) (string, int) {
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return stdout.String() + stderr.String(), code
}

// shellWords splits a command line as a POSIX shell would for the quoting
// the README uses: '…', "…" and unquoted words.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return nil, fmt.Errorf("unclosed %c in %s", c, s)
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == ' ':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
