package registry

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch follows changes to the plugin directory until ctx ends or the
// registry closes. Operators should write a new file elsewhere and rename it
// into place; partial writes are tolerated (the load fails, the old version
// keeps serving, and the final write triggers another load).
func (r *Registry) Watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", r.opts.Dir, err)
	}
	if err := w.Add(r.opts.Dir); err != nil {
		_ = w.Close()
		return fmt.Errorf("watch %s: %w", r.opts.Dir, err)
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer w.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case <-r.closed:
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				base := strings.TrimSuffix(filepath.Base(ev.Name), SignatureSuffix)
				if filepath.Ext(base) != ".wasm" {
					continue
				}
				r.schedule(ctx, strings.TrimSuffix(base, ".wasm"))
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				r.log.Error("plugin directory watch error", "error", err)
			}
		}
	}()
	return nil
}

// schedule reloads name once writes to it have been quiet for the debounce period.
func (r *Registry) schedule(ctx context.Context, name string) {
	r.timersMu.Lock()
	defer r.timersMu.Unlock()
	if t, ok := r.timers[name]; ok {
		t.Reset(r.opts.Debounce)
		return
	}
	r.timers[name] = time.AfterFunc(r.opts.Debounce, func() {
		r.timersMu.Lock()
		delete(r.timers, name)
		r.timersMu.Unlock()
		select {
		case <-r.closed:
			return
		default:
		}
		r.wg.Add(1)
		defer r.wg.Done()
		r.Reload(r.ctx, name)
	})
}
