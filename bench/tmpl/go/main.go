// The Go peer of vq-tmpl-bench: same files, same data, same loop, Go 1.19 text/template.
// Usage: go run . DATA.json ITERS FILE...
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"
)

func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if !strings.ContainsAny(x.String(), ".eE") {
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
	case map[string]any:
		for k := range x {
			x[k] = normalize(x[k])
		}
	}
	return v
}

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var data any
	if err := dec.Decode(&data); err != nil {
		panic(err)
	}
	data = normalize(data)
	iters, _ := strconv.Atoi(os.Args[2])
	t := template.New("set").Funcs(template.FuncMap{
		"Checkpoint": func() string { return "http://10.10.10.5:24602/checkpoint/00:00:00:00:00:01?boot=etcd" },
	})
	var name string
	for _, f := range os.Args[3:] {
		text, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		name = filepath.Base(f)
		if _, err := t.New(name).Parse(string(text)); err != nil {
			panic(err)
		}
	}
	var buf bytes.Buffer
	total := 0
	start := time.Now()
	for i := 0; i < iters; i++ {
		buf.Reset()
		if err := t.ExecuteTemplate(&buf, name, data); err != nil {
			panic(err)
		}
		total += buf.Len()
	}
	secs := time.Since(start).Seconds()
	fmt.Printf("go renders=%d seconds=%.3f renders_per_sec=%.0f bytes_per_render=%d\n", iters, secs, float64(iters)/secs, total/iters)
}
