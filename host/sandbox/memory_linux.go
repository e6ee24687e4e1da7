//go:build linux

package sandbox

import (
	"sync"
	"syscall"
)

const mmapSupported = true

// maxMappedMemory bounds a reservation (wasm32 memory is at most 4 GiB).
const maxMappedMemory = 4 << 30

// mmapMemory is a linear memory in an anonymous private mapping of its
// maximum size: untouched pages cost nothing, growing never moves it.
type mmapMemory struct {
	mu  sync.Mutex
	buf []byte // the whole mapping; nil once released
}

// newLinearMemory maps limit bytes (the most the instance may ever have),
// falling back to the Go heap when the mapping fails.
func newLinearMemory(capacity, limit uint64) linearMemory {
	if limit == 0 || limit > maxMappedMemory {
		return &heapMemory{buf: make([]byte, 0, capacity)}
	}
	b, err := syscall.Mmap(-1, 0, int(limit), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return &heapMemory{buf: make([]byte, 0, capacity)}
	}
	return &mmapMemory{buf: b}
}

// Reallocate returns the first size bytes of the mapping, or nil (the
// guest's memory.grow fails) past its end.
func (m *mmapMemory) Reallocate(size uint64) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.buf == nil || size > uint64(len(m.buf)) {
		return nil
	}
	return m.buf[:size:size]
}

// Free is wazero's call when the module closes; the host releases the
// mapping itself (see memory.go).
func (m *mmapMemory) Free() {}

func (m *mmapMemory) release() {
	m.mu.Lock()
	b := m.buf
	m.buf = nil
	m.mu.Unlock()
	if b != nil {
		_ = syscall.Munmap(b)
	}
}
