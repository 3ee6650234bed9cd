// Command yaml_oracle decodes plain YAML scalars the way the original decoded its SoT (Go's
// gopkg.in/yaml.v2 into interface{}) and writes the golden table that src/base/tests compare
// against, one JSON object per line.
//
// Input: one scalar per line, exactly as it would be written after "v: " (lines starting with
// '#' and blank lines are skipped; the empty scalar is written as the line "<empty>").
// Output per scalar: {"in", "type", "value", "print", "render"} where type is Go's dynamic
// type (%T), value is exact (floats in strconv 'g' -1 form, ints in decimal), print is %v and
// render is what text/template prints for renderText over the decoded document; a scalar that
// is not a valid plain scalar in that position gets type "error" and the message.
//
// Usage: go run . SCALARS > golden.jsonl
//
// Only the test data is generated with Go; the tests read the golden file. yaml.v2 comes from
// Debian's golang-gopkg-yaml.v2-dev, so build in GOPATH mode against /usr/share/gocode:
//
//	cd tools/yaml_oracle && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=/tmp/gc \
//	  go run . ../../src/base/testdata/yaml_scalars.txt \
//	  > ../../src/base/testdata/yaml_scalars.golden.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/template"

	yaml "gopkg.in/yaml.v2"
)

type row struct {
	In     string `json:"in"`
	Type   string `json:"type"`
	Value  string `json:"value"`
	Print  string `json:"print"`
	Render string `json:"render"`
}

// What the C++ side renders over the same document to compare templates' view of it.
const renderText = `{{printf "%T" .v}}|{{.v}}`

var renderTemplate = template.Must(template.New("t").Parse(renderText))

func decode(in string) row {
	r := row{In: in}
	var doc map[string]interface{}
	if err := yaml.Unmarshal([]byte("v: "+in+"\n"), &doc); err != nil {
		r.Type = "error"
		r.Value = err.Error()
		return r
	}
	v, ok := doc["v"]
	if !ok {
		r.Type = "error"
		r.Value = "no value for key v"
		return r
	}
	r.Type = fmt.Sprintf("%T", v)
	r.Print = fmt.Sprint(v)
	var out strings.Builder
	if err := renderTemplate.Execute(&out, doc); err != nil {
		r.Render = "error: " + err.Error()
	} else {
		r.Render = out.String()
	}
	switch x := v.(type) {
	case nil:
		r.Value = ""
	case float64:
		r.Value = strconv.FormatFloat(x, 'g', -1, 64)
	case string, bool, int, int64, uint64:
		r.Value = fmt.Sprint(x)
	default:
		r.Value = fmt.Sprintf("%#v", x)
	}
	return r
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: yaml_oracle SCALARS")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == "<empty>" {
			line = ""
		}
		if err := enc.Encode(decode(line)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
