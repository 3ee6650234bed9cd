// Command tmpl_oracle renders every case of a case file with Go's text/template and writes
// the golden file that src/tmpl/tests compare against, one JSON object per line.
//
// Case file format: a line "### NAME [data=SET] [opt=missingkey=MODE]" starts a case; the
// following lines up to the next "###" line are the template (the final newline is dropped).
// A line "%%% parse" inside a template splits it into several Parse calls on one set.
// Data sets come from a JSON file of {"SET": value}; numbers without '.', 'e' or 'E' are ints.
//
// Usage: go run . CASES DATA.json > golden.jsonl
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/template"
)

type testCase struct {
	Name     string   `json:"name"`
	Data     string   `json:"data"`
	Option   string   `json:"option,omitempty"`
	Parts    []string `json:"parts"`
	Ok       bool     `json:"ok"`
	Output   string   `json:"output"`
	Error    string   `json:"error,omitempty"`
	ErrPhase string   `json:"phase,omitempty"`
}

// normalize turns json.Number into int (when integral in form) or float64, as the C++ side does.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		s := x.String()
		if !strings.ContainsAny(s, ".eE") {
			if n, err := x.Int64(); err == nil {
				return int(n)
			}
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = normalize(x[i])
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = normalize(x[k])
		}
		return x
	}
	return v
}

func funcs() template.FuncMap {
	return template.FuncMap{
		"Checkpoint": func() string { return "http://agent.invalid/checkpoint" },
		"echo":       func(v any) any { return v },
		"fail":       func() (string, error) { return "", errors.New("boom") },
		"join":       func(sep string, items ...any) string { return strings.TrimSpace(fmt.Sprint(items...)) + sep },
	}
}

func run(c *testCase, data any) {
	t := template.New(c.Name).Funcs(funcs())
	if c.Option != "" {
		t.Option(c.Option)
	}
	for _, part := range c.Parts {
		if _, err := t.Parse(part); err != nil {
			c.Ok, c.Error, c.ErrPhase = false, err.Error(), "parse"
			return
		}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		c.Ok, c.Error, c.ErrPhase = false, err.Error(), "exec"
		return
	}
	c.Ok, c.Output = true, buf.String()
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: tmpl_oracle CASES DATA.json")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[2])
	if err != nil {
		panic(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var sets map[string]any
	if err := dec.Decode(&sets); err != nil {
		panic(err)
	}
	for k := range sets {
		sets[k] = normalize(sets[k])
	}
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var cases []*testCase
	var body []string
	flush := func() {
		if len(cases) == 0 {
			return
		}
		joined := strings.Join(body, "\n")
		cases[len(cases)-1].Parts = strings.Split(joined, "\n%%% parse\n")
		body = nil
	}
	for _, line := range strings.Split(string(text), "\n") {
		if strings.HasPrefix(line, "### ") {
			flush()
			fields := strings.Fields(line[4:])
			c := &testCase{Name: fields[0], Data: "default"}
			for _, f := range fields[1:] {
				switch {
				case strings.HasPrefix(f, "data="):
					c.Data = f[5:]
				case strings.HasPrefix(f, "opt="):
					c.Option = f[4:]
				}
			}
			cases = append(cases, c)
			continue
		}
		if len(cases) > 0 {
			body = append(body, line)
		}
	}
	// The last case's template ends at the file's final newline.
	if len(body) > 0 && body[len(body)-1] == "" {
		body = body[:len(body)-1]
	}
	flush()
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.Name] {
			fmt.Fprintf(os.Stderr, "duplicate case name %q\n", c.Name)
			os.Exit(1)
		}
		seen[c.Name] = true
		data, ok := sets[c.Data]
		if !ok {
			fmt.Fprintf(os.Stderr, "case %s: unknown data set %q\n", c.Name, c.Data)
			os.Exit(1)
		}
		run(c, data)
		if err := enc.Encode(c); err != nil {
			panic(err)
		}
	}
}
