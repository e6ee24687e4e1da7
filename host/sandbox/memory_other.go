//go:build !linux

package sandbox

const mmapSupported = false

func newLinearMemory(capacity, _ uint64) linearMemory {
	return &heapMemory{buf: make([]byte, 0, capacity)}
}
