package tzero

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/connectorhost/connector-host/gen/ivms101/v1/ivms"
	"github.com/connectorhost/connector-host/platform/tzero/decimal"
)

// ProviderJSON is a provider as the operator API and command read and write
// it. legal_person is IVMS101 LegalPerson in protojson.
type ProviderJSON struct {
	ID            uint32            `json:"id"`
	Name          string            `json:"name"`
	PublicKey     string            `json:"public_key"`
	BaseURL       string            `json:"base_url"`
	LegalEntities []LegalEntityJSON `json:"legal_entities"`
}

// LegalEntityJSON is one legal entity in ProviderJSON.
type LegalEntityJSON struct {
	ID          uint32          `json:"id"`
	LegalPerson json.RawMessage `json:"legal_person"`
}

// ParseProviderJSON decodes an operator's provider document; unknown fields
// are errors.
func ParseProviderJSON(b []byte) (Provider, error) {
	var pj ProviderJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pj); err != nil {
		return Provider{}, &InvalidError{"provider", err.Error()}
	}
	p := Provider{ID: pj.ID, Name: pj.Name, PublicKey: pj.PublicKey, BaseURL: pj.BaseURL}
	for i, le := range pj.LegalEntities {
		person := &ivms.LegalPerson{}
		if len(le.LegalPerson) > 0 {
			if err := protojson.Unmarshal(le.LegalPerson, person); err != nil {
				return Provider{}, &InvalidError{fmt.Sprintf("legal_entities[%d].legal_person", i), err.Error()}
			}
		}
		p.LegalEntities = append(p.LegalEntities, LegalEntity{ID: le.ID, Person: person})
	}
	return p, nil
}

func providerJSON(p *Provider) ProviderJSON {
	pj := ProviderJSON{ID: p.ID, Name: p.Name, PublicKey: p.PublicKey, BaseURL: p.BaseURL}
	for _, le := range p.LegalEntities {
		b, _ := protojson.Marshal(le.Person)
		pj.LegalEntities = append(pj.LegalEntities, LegalEntityJSON{ID: le.ID, LegalPerson: b})
	}
	return pj
}

type batchJSON struct {
	ID        uint64     `json:"id"`
	Created   time.Time  `json:"created"`
	Cutoff    time.Time  `json:"cutoff"`
	Status    string     `json:"status"`
	SettledAt *time.Time `json:"settled_at,omitempty"`
	Lines     []lineJSON `json:"lines"`
}

type lineJSON struct {
	PayerID   uint32 `json:"payer_provider_id"`
	PayeeID   uint32 `json:"payee_provider_id"`
	AmountUSD string `json:"amount_usd"`
	Intents   int    `json:"intents"`
}

func toBatchJSON(b *Batch) batchJSON {
	out := batchJSON{ID: b.ID, Created: b.Created.UTC(), Cutoff: b.Cutoff.UTC(), Status: b.Status, SettledAt: b.SettledAt, Lines: []lineJSON{}}
	for _, l := range b.Lines {
		out.Lines = append(out.Lines, lineJSON{l.PayerID, l.PayeeID, decimal.String(l.Amount), l.Intents})
	}
	return out
}

// AdminHandler is the operator API (JSON). It has no authentication of its
// own: mount it only behind the platform's operator auth. Routes, relative to
// where it is mounted (use http.StripPrefix):
//
//	GET  /providers                  list providers
//	PUT  /providers/{id}             register or replace a provider (ProviderJSON)
//	GET  /settlements                list settlement batches
//	POST /settlements                net now (cutoff = now) into a new batch
//	POST /settlements/{id}/settled   mark a batch settled
func (s *Service) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /providers", func(w http.ResponseWriter, r *http.Request) {
		ps, err := s.ListProviders(r.Context())
		if err != nil {
			writeErr(w, err)
			return
		}
		out := make([]ProviderJSON, 0, len(ps))
		for _, p := range ps {
			out = append(out, providerJSON(p))
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("PUT /providers/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseUint(r.PathValue("id"), 10, 32)
		if err != nil {
			writeErr(w, &InvalidError{"id", "not a provider id"})
			return
		}
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeErr(w, err)
			return
		}
		p, err := ParseProviderJSON(b)
		if err != nil {
			writeErr(w, err)
			return
		}
		if p.ID != uint32(id) {
			writeErr(w, &InvalidError{"id", fmt.Sprintf("body id %d does not match path id %d", p.ID, id)})
			return
		}
		if err := s.PutProvider(r.Context(), p); err != nil {
			writeErr(w, err)
			return
		}
		saved, err := s.GetProvider(r.Context(), p.ID)
		if err != nil {
			writeErr(w, err)
			return
		}
		writeJSON(w, http.StatusOK, providerJSON(saved))
	})
	mux.HandleFunc("GET /settlements", func(w http.ResponseWriter, r *http.Request) {
		bs, err := s.ListBatches(r.Context())
		if err != nil {
			writeErr(w, err)
			return
		}
		out := make([]batchJSON, 0, len(bs))
		for _, b := range bs {
			out = append(out, toBatchJSON(b))
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /settlements", func(w http.ResponseWriter, r *http.Request) {
		b, err := s.RunSettlement(r.Context(), s.now())
		if err != nil {
			writeErr(w, err)
			return
		}
		if b == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusCreated, toBatchJSON(b))
	})
	mux.HandleFunc("POST /settlements/{id}/settled", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
		if err != nil {
			writeErr(w, &InvalidError{"id", "not a batch id"})
			return
		}
		if err := s.MarkSettled(r.Context(), id); err != nil {
			writeErr(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeErr(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	msg := "internal error"
	var inv *InvalidError
	switch {
	case errors.As(err, &inv):
		status, msg = http.StatusBadRequest, inv.Error()
	case errors.Is(err, ErrNotFound):
		status, msg = http.StatusNotFound, err.Error()
	case errors.Is(err, ErrAlreadySettled):
		status, msg = http.StatusConflict, err.Error()
	}
	writeJSON(w, status, map[string]string{"error": msg})
}

// AdminCommand runs an operator command against the service, for a CLI
// subcommand to call with its arguments:
//
//	provider put FILE.json       register or replace a provider (ProviderJSON; "-" reads stdin)
//	provider list                print providers as JSON
//	settlement run               net now into a new batch and print it
//	settlement list              print batches as JSON
//	settlement settled ID        mark a batch settled
func (s *Service) AdminCommand(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("tzero", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a := fs.Args()
	if len(a) < 2 {
		return errors.New("usage: provider put FILE.json | provider list | settlement run | settlement list | settlement settled ID")
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	switch a[0] + " " + a[1] {
	case "provider put":
		if len(a) != 3 {
			return errors.New("usage: provider put FILE.json")
		}
		var b []byte
		var err error
		if a[2] == "-" {
			b, err = io.ReadAll(stdin)
		} else {
			b, err = os.ReadFile(a[2])
		}
		if err != nil {
			return fmt.Errorf("read provider: %w", err)
		}
		p, err := ParseProviderJSON(b)
		if err != nil {
			return err
		}
		return s.PutProvider(ctx, p)
	case "provider list":
		ps, err := s.ListProviders(ctx)
		if err != nil {
			return err
		}
		out := []ProviderJSON{}
		for _, p := range ps {
			out = append(out, providerJSON(p))
		}
		return enc.Encode(out)
	case "settlement run":
		b, err := s.RunSettlement(ctx, s.now())
		if err != nil || b == nil {
			return err
		}
		return enc.Encode(toBatchJSON(b))
	case "settlement list":
		bs, err := s.ListBatches(ctx)
		if err != nil {
			return err
		}
		out := []batchJSON{}
		for _, b := range bs {
			out = append(out, toBatchJSON(b))
		}
		return enc.Encode(out)
	case "settlement settled":
		if len(a) != 3 {
			return errors.New("usage: settlement settled ID")
		}
		id, err := strconv.ParseUint(a[2], 10, 64)
		if err != nil {
			return &InvalidError{"ID", "not a batch id"}
		}
		return s.MarkSettled(ctx, id)
	}
	return fmt.Errorf("unknown command %q", a[0]+" "+a[1])
}
