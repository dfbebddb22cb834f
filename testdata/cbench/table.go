//go:build ignore

// table joins the output of the Go benchmarks and of their C twins (both in the format of
// `go test -bench`, read from stdin) into the comparison table of BENCHMARKS.md. Each figure
// is the median of its repetitions (-count for Go, the reps argument for C, or the rounds of
// run.sh), with the spread beside it: (min–max) over the repetitions. A ratio is the median
// of the rounds' ratios (each round runs a Go benchmark next to its C twin), with their
// min–max; when the two sides have not as many figures, the ratio of the medians, no spread.
//
//	go run testdata/cbench/table.go [dir of the *.rows files] < results.txt
package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// row pairs a Go figure with its C twin's. An empty cName means no twin.
type row struct {
	label          string
	goName, goUnit string
	cName, cUnit   string
	allocName      string  // the Go metric shown as allocs/op (of the same benchmark)
	minRatio       float64 // target for C ns / Go ns; 0: none
	wantZeroAllocs bool    // target: 0 allocs
}

// peer sets a Go peer (what a Go user would pick instead of the binding) beside the binding's
// figure and the C twin's.
type peer struct {
	label           string
	uvName, uvUnit  string
	peerName, pUnit string
	cName, cUnit    string
}

// rows, extra and peers are read from the *.rows files beside this program (see readRows).
var (
	rows  []row
	extra []struct{ label, name, unit string }
	peers []peer
)

// readRows reads every testdata/cbench/*.rows file, in name order. Each line is tab-separated,
// "-" for an empty field, # for a comment:
//
//	row	label	goName	goUnit	cName	cUnit	allocName	minRatio	zeroAllocs(yes|no)
//	extra	label	name	unit
//	peer	label	uvName	uvUnit	peerName	peerUnit	cName	cUnit
//
// A row is a line of the table (Go beside its C twin); an extra is a figure printed under it;
// a peer is a line of the second table (the binding beside a Go peer and C).
func readRows(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.rows"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			f := strings.Split(line, "\t")
			for j := range f {
				if f[j] == "-" {
					f[j] = ""
				}
			}
			switch {
			case f[0] == "row" && len(f) == 9:
				min, err := strconv.ParseFloat("0"+f[7], 64)
				if err != nil {
					return fmt.Errorf("%s:%d: minRatio: %v", file, i+1, err)
				}
				rows = append(rows, row{label: f[1], goName: f[2], goUnit: f[3], cName: f[4], cUnit: f[5],
					allocName: f[6], minRatio: min, wantZeroAllocs: f[8] == "yes"})
			case f[0] == "extra" && len(f) == 4:
				extra = append(extra, struct{ label, name, unit string }{f[1], f[2], f[3]})
			case f[0] == "peer" && len(f) == 8:
				peers = append(peers, peer{f[1], f[2], f[3], f[4], f[5], f[6], f[7]})
			default:
				return fmt.Errorf("%s:%d: want a row of 9 fields, an extra of 4 or a peer of 8", file, i+1)
			}
		}
	}
	return nil
}

// rowsDir is the folder of the *.rows files: the first argument, else testdata/cbench (run from
// the repository's root).
func rowsDir() string {
	if len(os.Args) > 1 {
		return os.Args[1]
	}
	return "testdata/cbench"
}

var procSuffix = regexp.MustCompile(`-\d+$`)

func main() {
	if err := readRows(rowsDir()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	vals := map[string]map[string][]float64{} // benchmark -> unit -> values
	var order []string
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !(strings.HasPrefix(f[0], "Benchmark") || strings.HasPrefix(f[0], "C/")) {
			continue
		}
		if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
			continue
		}
		name := procSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		if vals[name] == nil {
			vals[name] = map[string][]float64{}
			order = append(order, name)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			vals[name][f[i+1]] = append(vals[name][f[i+1]], v)
		}
	}
	med := func(name, unit string) (float64, bool) {
		v := vals[name][unit]
		if len(v) == 0 {
			return math.NaN(), false
		}
		return median(v), true
	}
	// withSpread is the median of name's unit with its (min–max).
	withSpread := func(name, unit string) string {
		return spread(vals[name][unit], num)
	}

	fmt.Println("| benchmark | Go ns/op (min–max) | C ns/op (min–max) | Go ÷ C throughput (C ns / Go ns), median (min–max) of the rounds | Go allocs/op | target | met |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | --- | --- |")
	for _, r := range rows {
		g, okG := med(r.goName, r.goUnit)
		if !okG {
			continue
		}
		cs, ratio := "—", "—"
		c, okC := math.NaN(), false
		if r.cName != "" {
			if c, okC = med(r.cName, r.cUnit); okC {
				cs = withSpread(r.cName, r.cUnit)
				gv, cv := vals[r.goName][r.goUnit], vals[r.cName][r.cUnit]
				if len(gv) == len(cv) {
					rs := make([]float64, len(gv))
					for i := range gv {
						rs[i] = cv[i] / gv[i]
					}
					ratio = spread(rs, func(v float64) string { return fmt.Sprintf("%.2f", v) })
					c = median(rs) * g // the target is checked on the median of the ratios
				} else {
					ratio = fmt.Sprintf("%.2f", c/g)
				}
			}
		}
		as := "—"
		a, okA := math.NaN(), false
		if r.allocName != "" {
			if a, okA = med(r.goName, r.allocName); okA {
				as = num(a)
			}
		}
		var targets, met []string
		if r.minRatio > 0 {
			targets = append(targets, fmt.Sprintf(">= %.2fx C", r.minRatio))
			met = append(met, yesNo(okC && c/g >= r.minRatio))
		}
		if r.wantZeroAllocs {
			targets = append(targets, "0 allocs")
			met = append(met, yesNo(okA && a < 0.0005))
		}
		fmt.Printf("| %s | %s | %s | %s | %s | %s | %s |\n", r.label, withSpread(r.goName, r.goUnit), cs, ratio, as,
			orDash(strings.Join(targets, ", ")), orDash(strings.Join(met, ", ")))
	}
	fmt.Println()
	for _, e := range extra {
		if _, ok := med(e.name, e.unit); ok {
			fmt.Printf("- %s: %s %s\n", e.label, withSpread(e.name, e.unit), e.unit)
		}
	}

	if len(peers) > 0 {
		fmt.Println()
		fmt.Println("| operation | the binding (min–max) | the Go peer (min–max) | C twin | peer ÷ binding (peer ns / binding ns), median (min–max) of the rounds |")
		fmt.Println("| --- | ---: | ---: | ---: | ---: |")
		for _, p := range peers {
			uv, peer := vals[p.uvName][p.uvUnit], vals[p.peerName][p.pUnit]
			if len(uv) == 0 && len(peer) == 0 {
				continue
			}
			ratio := "—"
			switch {
			case len(uv) > 0 && len(uv) == len(peer):
				rs := make([]float64, len(uv))
				for i := range uv {
					rs[i] = peer[i] / uv[i]
				}
				ratio = spread(rs, func(v float64) string { return fmt.Sprintf("%.2f", v) })
			case len(uv) > 0 && len(peer) > 0:
				ratio = fmt.Sprintf("%.2f", median(peer)/median(uv))
			}
			cs := "—"
			if p.cName != "" {
				cs = withSpread(p.cName, p.cUnit)
			}
			fmt.Printf("| %s | %s | %s | %s | %s |\n", p.label, withSpread(p.uvName, p.uvUnit),
				withSpread(p.peerName, p.pUnit), cs, ratio)
		}
	}

	var parts []string
	for _, n := range order {
		if strings.HasPrefix(n, "CallbackParts/") {
			parts = append(parts, n)
		}
	}
	if len(parts) > 0 {
		fmt.Println()
		fmt.Println("| part (Go only) | ns/op (min–max) | allocs/op |")
		fmt.Println("| --- | ---: | ---: |")
		for _, n := range parts {
			a, _ := med(n, "allocs/op")
			fmt.Printf("| %s | %s | %s |\n", strings.TrimPrefix(n, "CallbackParts/"), withSpread(n, "ns/op"), num(a))
		}
	}
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// spread formats the median of v with its (min–max), or the one figure alone.
func spread(v []float64, format func(float64) string) string {
	if len(v) == 0 {
		return "—"
	}
	m := format(median(v))
	if len(v) == 1 {
		return m
	}
	lo, hi := v[0], v[0]
	for _, x := range v {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return fmt.Sprintf("%s (%s–%s)", m, format(lo), format(hi))
}

func num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case v == 0:
		return "0"
	case math.Abs(v) >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
