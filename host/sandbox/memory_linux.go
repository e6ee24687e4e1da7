//go:build linux

package sandbox

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/connectorhost/connector-host/host/sandbox/internal/interrupt"
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
// with img (when not nil) mapped copy-on-write at its place, falling back to
// the Go heap when the mapping fails. It returns an error only when img
// could be neither mapped nor copied: the memory must then not be used.
func newLinearMemory(capacity, limit uint64, img *memoryImage) (linearMemory, error) {
	if limit == 0 || limit > maxMappedMemory {
		return heapMemoryWith(capacity, img)
	}
	b, err := syscall.Mmap(-1, 0, int(limit), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return heapMemoryWith(capacity, img)
	}
	if img != nil {
		if img.offset+img.mapped > uint64(len(b)) {
			_ = syscall.Munmap(b)
			return heapMemoryWith(capacity, img)
		}
		// Over the reservation's first pages: the image, private, so the
		// guest's writes copy the page they touch and never reach the image.
		_, err := unix.MmapPtr(int(img.f.Fd()), 0, unsafe.Pointer(&b[img.offset]), uintptr(img.mapped),
			unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_FIXED|unix.MAP_NORESERVE)
		if err != nil {
			_ = syscall.Munmap(b)
			return heapMemoryWith(capacity, img)
		}
	}
	return &mmapMemory{buf: b}, nil
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
		_ = syscall.Munmap(b) // the whole reservation, image mapping included
	}
}

// memoryImage is a module's initial memory (its data segments laid out, see
// interrupt.ExtractImage) in a sealed memfd, mapped copy-on-write into each
// instance: the module and its instances share one copy of the pages no
// instance writes. The file stays open as long as the Module can start
// instances; Module.Close closes it (instances still running keep their
// mappings, which hold the file's pages themselves).
type memoryImage struct {
	f      *os.File
	offset uint64 // where the image starts in linear memory (a 64 KiB multiple)
	size   uint64 // bytes of image
	mapped uint64 // size rounded up to the host's page size (the file's size)
}

// newMemoryImage writes img to a sealed memfd.
func newMemoryImage(img interrupt.Image) (*memoryImage, error) {
	fd, err := unix.MemfdCreate("connector-initial-memory", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	f := os.NewFile(uintptr(fd), "connector-initial-memory")
	page := uint64(os.Getpagesize())
	mapped := (uint64(len(img.Bytes)) + page - 1) / page * page
	if _, err := f.Write(img.Bytes); err != nil {
		f.Close()
		return nil, fmt.Errorf("write the initial memory image: %w", err)
	}
	if err := f.Truncate(int64(mapped)); err != nil {
		f.Close()
		return nil, fmt.Errorf("size the initial memory image: %w", err)
	}
	// Nothing may change the image once instances map it.
	if _, err := unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, unix.F_SEAL_WRITE|unix.F_SEAL_GROW|unix.F_SEAL_SHRINK|unix.F_SEAL_SEAL); err != nil {
		f.Close()
		return nil, fmt.Errorf("seal the initial memory image: %w", err)
	}
	return &memoryImage{f: f, offset: img.Offset, size: uint64(len(img.Bytes)), mapped: mapped}, nil
}

// copyTo writes the image into buf (a whole linear memory).
func (img *memoryImage) copyTo(buf []byte) error {
	if img.offset+img.size > uint64(len(buf)) {
		return fmt.Errorf("the initial memory image (%d bytes at %d) does not fit in %d bytes", img.size, img.offset, len(buf))
	}
	_, err := img.f.ReadAt(buf[img.offset:img.offset+img.size], 0)
	if err != nil {
		return fmt.Errorf("read the initial memory image: %w", err)
	}
	return nil
}

// close releases the image's file descriptor.
func (img *memoryImage) close() {
	if img != nil {
		_ = img.f.Close()
	}
}
