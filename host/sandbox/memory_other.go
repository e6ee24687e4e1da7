//go:build !linux

package sandbox

import (
	"errors"

	"github.com/connectorhost/connector-host/host/sandbox/internal/interrupt"
)

const mmapSupported = false

func newLinearMemory(capacity, _ uint64, img *memoryImage) (linearMemory, error) {
	return heapMemoryWith(capacity, img)
}

// memoryImage is Linux only: elsewhere a module keeps its data segments.
type memoryImage struct {
	size uint64 // as on Linux; no image is made here
}

func newMemoryImage(interrupt.Image) (*memoryImage, error) {
	return nil, errors.New("initial memory images need Linux")
}

func (*memoryImage) copyTo([]byte) error { return errors.New("initial memory images need Linux") }

func (*memoryImage) close() {}
