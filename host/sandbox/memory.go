package sandbox

import (
	"context"
	"sync"

	"github.com/tetratelabs/wazero/experimental"
)

// Linear memory outside the Go heap.
//
// By default wazero backs a module's linear memory with a Go []byte, which
// the host's garbage collector counts as live heap: every warm instance
// (8-10 MiB for a Go plugin) raises the heap goal by as much again, grows by
// copying (leaving the old buffer as garbage), and is returned to the
// operating system only when the Go scavenger gets to it. Where the platform
// allows (mmapMemory), each instance's memory is instead its own anonymous
// mapping, reserved at the memory limit and committed by the kernel page by
// page as the guest touches it: it grows in place, costs the host only the
// pages the guest used, and is unmapped when the instance stops.
//
// A mapping must never be unmapped while guest code or the host may still
// touch it (a fault there would take the whole host down, not one call), so
// wazero's Free (called when a module closes, possibly while a call of it is
// still running after Module.Close) does nothing; the host unmaps the memory
// itself where it knows the instance is done: when the instance stops
// (Module.stop), or when its start fails.

// linearMemory is the memory of one instance; release unmaps it (once).
type linearMemory interface {
	experimental.LinearMemory
	release()
}

// memoryRecorder captures the linear memory wazero allocates while one
// module is instantiated, so the host can release it when the instance
// stops.
type memoryRecorder struct {
	mu  sync.Mutex
	mem linearMemory
	err error // the initial memory image could not be put in place
}

// context returns ctx carrying an allocator that records into r and puts
// img (a module's initial memory, when its data segments were taken out of
// it; nil otherwise) in place; ctx unchanged when the platform has no
// allocator of its own (wazero's Go-heap default; img is then always nil).
func (r *memoryRecorder) context(ctx context.Context, limit uint64, img *memoryImage) context.Context {
	if !mmapSupported {
		return ctx
	}
	return experimental.WithMemoryAllocator(ctx, experimental.MemoryAllocatorFunc(func(capacity, max uint64) experimental.LinearMemory {
		m, err := newLinearMemory(capacity, min(max, limit), img)
		r.mu.Lock()
		r.mem, r.err = m, err
		r.mu.Unlock()
		return m
	}))
}

// failed reports an allocation whose memory lacks the module's initial
// image: the instance must not run.
func (r *memoryRecorder) failed() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// release unmaps the recorded memory, if any. Call it only when no guest
// code of the instance runs and the host reads none of its memory again.
func (r *memoryRecorder) release() {
	if r == nil {
		return
	}
	r.mu.Lock()
	m := r.mem
	r.mem = nil
	r.mu.Unlock()
	if m != nil {
		m.release()
	}
}

// heapMemory is a Go-heap linear memory: wazero's own behaviour, used when a
// mapping cannot be made.
type heapMemory struct{ buf []byte }

// heapMemoryWith returns a heap memory of capacity bytes holding img (when
// not nil); the error says the image could not be copied in.
func heapMemoryWith(capacity uint64, img *memoryImage) (linearMemory, error) {
	m := &heapMemory{buf: make([]byte, 0, capacity)}
	if img == nil {
		return m, nil
	}
	return m, img.copyTo(m.buf[:capacity])
}

func (m *heapMemory) Reallocate(size uint64) []byte {
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		return m.buf
	}
	b := make([]byte, size, max(size, uint64(cap(m.buf))*2))
	copy(b, m.buf)
	m.buf = b
	return m.buf
}

func (m *heapMemory) Free()    {}
func (m *heapMemory) release() { m.buf = nil }
