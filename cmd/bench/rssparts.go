package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// rssParts is a process's resident memory split by what holds it, read from
// /proc/PID/smaps (Linux) in MiB, plus the Go heap figures the host exports
// on its metrics address (when it serves one).
type rssParts struct {
	// Code is anonymous executable mappings: wazero's compiled machine code.
	Code float64
	// Linear is anonymous mappings made with MAP_NORESERVE and the
	// mappings of memfd images: the sandbox's per-instance linear memories
	// and the initial memory images mapped into them
	// (host/sandbox/memory_linux.go). The Go runtime maps nothing with that
	// flag.
	Linear float64
	// GoAnon is the other anonymous memory: the Go heap, goroutine stacks
	// and the runtime's own metadata.
	GoAnon float64
	// File is file-backed pages: the host binary and shared libraries.
	File float64
	// Images is the size of the memfd initial-memory images mapped (each
	// counted once): memory the plugins hold whether or not their instances
	// touched it, and so resident (as shared memory) beyond what Linear
	// counts of it.
	Images float64
	// HeapInuse and HeapAlloc are go_memstats_heap_inuse_bytes and
	// go_memstats_heap_alloc_bytes (MiB); 0 without a metrics address.
	HeapInuse, HeapAlloc float64
}

// readRSSParts reads pid's smaps and, when metricsURL is not empty, the
// host's Go heap figures.
func readRSSParts(pid int, metricsURL string) (rssParts, error) {
	var p rssParts
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return p, err
	}
	defer f.Close()
	type mapping struct {
		perms, path, inode string
		size, rss          float64
		noreserve          bool
	}
	var maps []*mapping
	var cur *mapping
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			cur = &mapping{perms: fields[1], inode: fields[4]}
			if lo, hi, ok := strings.Cut(fields[0], "-"); ok {
				a, _ := strconv.ParseUint(lo, 16, 64)
				b, _ := strconv.ParseUint(hi, 16, 64)
				cur.size = float64(b-a) / (1 << 20)
			}
			if len(fields) >= 6 {
				cur.path = fields[5]
			}
			maps = append(maps, cur)
			continue
		}
		if cur == nil || len(fields) < 2 {
			continue
		}
		switch fields[0] {
		case "Rss:":
			kb, _ := strconv.ParseFloat(fields[1], 64)
			cur.rss = kb / 1024
		case "VmFlags:":
			for _, fl := range fields[1:] {
				if fl == "nr" {
					cur.noreserve = true
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return p, err
	}
	images := map[string]float64{}
	for _, m := range maps {
		anon := m.path == "" || strings.HasPrefix(m.path, "[")
		switch {
		case strings.HasPrefix(m.path, "/memfd:"):
			p.Linear += m.rss
			images[m.inode] = max(images[m.inode], m.size)
		case !anon:
			p.File += m.rss
		case strings.Contains(m.perms, "x"):
			p.Code += m.rss
		case m.noreserve:
			p.Linear += m.rss
		default:
			p.GoAnon += m.rss
		}
	}
	for _, size := range images {
		p.Images += size
	}
	if metricsURL != "" {
		p.HeapInuse, p.HeapAlloc = goHeap(metricsURL)
	}
	return p, nil
}

// goHeap reads go_memstats_heap_inuse_bytes and go_memstats_heap_alloc_bytes
// (in MiB) from a Prometheus text endpoint; zeros when it cannot.
func goHeap(url string) (inuse, alloc float64) {
	res, err := http.Get(url)
	if err != nil {
		return 0, 0
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			continue
		}
		switch name {
		case "go_memstats_heap_inuse_bytes":
			inuse = v / (1 << 20)
		case "go_memstats_heap_alloc_bytes":
			alloc = v / (1 << 20)
		}
	}
	return inuse, alloc
}

// sub is p minus q, part by part.
func (p rssParts) sub(q rssParts) rssParts {
	return rssParts{Code: p.Code - q.Code, Linear: p.Linear - q.Linear, GoAnon: p.GoAnon - q.GoAnon, File: p.File - q.File, Images: p.Images - q.Images,
		HeapInuse: p.HeapInuse - q.HeapInuse, HeapAlloc: p.HeapAlloc - q.HeapAlloc}
}

// String formats the parts as table cells.
func (p rssParts) String() string {
	return fmt.Sprintf("%.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f", p.Code, p.Linear, p.Images, p.GoAnon, p.HeapInuse, p.HeapAlloc, p.File)
}
