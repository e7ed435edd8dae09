// Command testsummary reads `go test -json` from standard input and prints,
// per package and per database tier, how many tests passed, failed and were
// skipped, with the reasons for the skips and the full output of every
// failure. It exits 1 when anything failed. `make test` pipes each tier
// through it so that the output shows what ran where.
//
// A test belongs to the tier named by its subtest path: ".../sqlite" or
// ".../postgres"; other tests are counted under "-".
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

type counts struct{ pass, fail, skip int }

type key struct{ pkg, tier string }

func main() {
	title := flag.String("title", "", "heading printed above the table")
	flag.Parse()
	os.Exit(summarize(os.Stdin, os.Stdout, *title))
}

func summarize(in io.Reader, out io.Writer, title string) int {
	output := map[string]*strings.Builder{} // package/test → its output
	parent := map[string]bool{}             // tests that have subtests
	results := map[string]string{}          // package/test → pass|fail|skip
	var order []string
	var pkgFailed []string
	var stray strings.Builder

	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			stray.WriteString(sc.Text() + "\n") // build errors of old Go versions
			continue
		}
		id := e.Package + " " + e.Test
		switch e.Action {
		case "output", "build-output":
			if output[id] == nil {
				output[id] = &strings.Builder{}
			}
			output[id].WriteString(e.Output)
		case "run":
			if i := strings.LastIndex(e.Test, "/"); i > 0 {
				parent[e.Package+" "+e.Test[:i]] = true
			}
		case "pass", "fail", "skip":
			if e.Test == "" {
				if e.Action == "fail" {
					pkgFailed = append(pkgFailed, e.Package)
				}
				continue
			}
			if _, seen := results[id]; !seen {
				order = append(order, id)
			}
			results[id] = e.Action
		case "build-fail":
			pkgFailed = append(pkgFailed, e.Package)
		}
	}

	table := map[key]*counts{}
	skipReasons := map[string]int{}
	var failures []string
	for _, id := range order {
		if parent[id] {
			continue // count leaves only: a parent passes because its subtests do
		}
		pkg, test, _ := strings.Cut(id, " ")
		k := key{pkg: shortPkg(pkg), tier: tierOf(test)}
		c := table[k]
		if c == nil {
			c = &counts{}
			table[k] = c
		}
		switch results[id] {
		case "pass":
			c.pass++
		case "fail":
			c.fail++
			failures = append(failures, id)
		case "skip":
			c.skip++
			skipReasons[skipReason(output[id])]++
		}
	}

	for _, id := range failures {
		fmt.Fprintf(out, "--- FAIL %s\n%s\n", id, text(output[id]))
	}
	for _, pkg := range pkgFailed {
		if s := text(output[pkg+" "]); s != "" {
			fmt.Fprintf(out, "--- FAIL package %s\n%s\n", pkg, s)
		}
	}
	if stray.Len() > 0 {
		fmt.Fprint(out, stray.String())
	}

	if title != "" {
		fmt.Fprintf(out, "\n== %s\n", title)
	}
	keys := make([]key, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].pkg != keys[j].pkg {
			return keys[i].pkg < keys[j].pkg
		}
		return keys[i].tier < keys[j].tier
	})
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "package\ttier\tpassed\tfailed\tskipped\t")
	var total counts
	for _, k := range keys {
		c := table[k]
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t\n", k.pkg, k.tier, c.pass, c.fail, c.skip)
		total.pass += c.pass
		total.fail += c.fail
		total.skip += c.skip
	}
	fmt.Fprintf(w, "total\t\t%d\t%d\t%d\t\n", total.pass, total.fail, total.skip)
	w.Flush()
	reasons := make([]string, 0, len(skipReasons))
	for r := range skipReasons {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(out, "skipped %d: %s\n", skipReasons[r], r)
	}
	if total.fail > 0 || len(pkgFailed) > 0 {
		fmt.Fprintf(out, "FAILED: %d tests, %d packages\n", total.fail, len(pkgFailed))
		return 1
	}
	if total.pass == 0 {
		fmt.Fprintln(out, "FAILED: no test ran")
		return 1
	}
	return 0
}

func tierOf(test string) string {
	for _, part := range strings.Split(test, "/") {
		if part == "sqlite" || part == "postgres" {
			return part
		}
	}
	return "-"
}

func shortPkg(pkg string) string {
	if i := strings.Index(pkg, "/internal/"); i >= 0 {
		return pkg[i+1:]
	}
	if i := strings.Index(pkg, "/tools/"); i >= 0 {
		return pkg[i+1:]
	}
	return pkg
}

// skipReason is the message a test gave t.Skip: its last "file.go:N: …" line.
func skipReason(b *strings.Builder) string {
	reason := "(no reason given)"
	for _, l := range strings.Split(text(b), "\n") {
		if m := logLine.FindStringSubmatch(l); m != nil {
			reason = m[1]
		}
	}
	return reason
}

var logLine = regexp.MustCompile(`^\s+\S+\.go:\d+: (.*)$`)

func text(b *strings.Builder) string {
	if b == nil {
		return ""
	}
	return strings.TrimRight(b.String(), "\n")
}
