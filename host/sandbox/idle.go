package sandbox

import (
	"context"

	"github.com/tetratelabs/wazero/api"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/host/sandbox/internal/interrupt"
)

// Garbage collection between calls.
//
// A Go plugin's garbage collector runs inside whichever call crosses its heap
// goal, adding milliseconds to that call: the p99 of a transform was about four
// times its p50. A plugin that exports the optional connector_gc (() -> i32;
// the Go PDK does) gets it called after every gcCheckEvery-th successful call
// of an instance, off the caller's path: the caller has its answer, the
// instance keeps its pool slot until connector_gc returns, under the same
// deadline and interrupt guard as a call, and then goes back to the idle pool.
// The guest decides whether to collect (the PDK does once half the heap's
// budget is used, which takes far more than gcCheckEvery calls), so a check
// with nothing to do costs one short call. Plugins without the export are
// served exactly as before.
//
// An instance that collects holds its slot, so a call can only wait for a
// collection when every instance collects at once. Instances serving the
// same traffic reach their heap goals together (one Stripe collection takes
// 1-2 ms in Wasm, several calls' time): with two instances, both collecting
// at once made one call in 256 wait for a whole collection (the p99). So an
// instance collects only while another one is idle and can take the next
// call, or when it is the only one; otherwise its check is put off to its
// next release.

// gcCheckEvery is how many calls an instance serves between connector_gc calls.
const gcCheckEvery = 8

// hasGC reports that the module exports connector_gc with the ABI's
// signature (no parameters, one i32 result), from its analysis.
func hasGC(a *interrupt.Analysis) bool {
	f, ok := a.ExportedFuncs[abi.ExportGC]
	return ok && len(f.Params) == 0 && len(f.Results) == 1 && api.ValueType(f.Results[0]) == api.ValueTypeI32
}

// releaseAfterGC returns inst to the pool, first running its connector_gc in
// the background when it has one and its gcCheckEvery-th call since the last
// check just ended. A fault in connector_gc discards the
// instance (and starts a replacement) as a fault in a call does.
func (p *Module) releaseAfterGC(ctx context.Context, inst *instance) {
	inst.sinceGC++
	if inst.gc == nil || inst.sinceGC < gcCheckEvery || !p.othersCanServe() || !p.startCollecting() {
		p.release(ctx, inst)
		return
	}
	inst.sinceGC = 0
	go func() {
		defer p.collecting.Done()
		ctx, cancel := context.WithTimeout(context.Background(), p.limits.CallTimeout)
		defer cancel()
		ctx = inst.startClock(ctx)
		var res []uint64
		var err error
		tripped := inst.guard(ctx, func() { res, err = inst.gc.Call(ctx) })
		if err != nil || tripped {
			if err == nil {
				err = context.DeadlineExceeded
			}
			p.log.Warn("plugin instance failed in connector_gc; replacing it", "error", p.fault(ctx, abi.ExportGC, inst, err).Error())
			p.discard(ctx, inst, "fault")
			go p.Warm(1)
			return
		}
		if len(res) == 1 && uint32(res[0]) == 1 {
			p.collections.Add(1)
		}
		inst.reuse()
		p.release(ctx, inst)
	}()
}

// othersCanServe reports whether a call arriving now would find an idle
// instance other than the one being released, or that one is the only
// instance (it then collects as before; a call arriving meanwhile starts
// another instance, as under concurrency).
func (p *Module) othersCanServe() bool {
	return len(p.idle) > 0 || p.live.Load() <= 1
}

// startCollecting registers a background connector_gc call unless the plugin
// is closing, in which case the instance is simply released.
func (p *Module) startCollecting() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.collecting.Add(1)
	return true
}

// Collections is how many times an instance of this plugin collected garbage
// in connector_gc, between calls.
func (p *Module) Collections() int64 { return p.collections.Load() }
