package tzero

import (
	"github.com/connectorhost/connector-host/platform/store"

	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	_ "github.com/jackc/pgx/v5/stdlib"
	"google.golang.org/protobuf/types/known/timestamppb"
	_ "modernc.org/sqlite"

	"github.com/connectorhost/connector-host/gen/ivms101/v1/ivms"
	"github.com/connectorhost/connector-host/gen/tzero/v1/common"
	pi "github.com/connectorhost/connector-host/gen/tzero/v1/payment_intent"
	"github.com/connectorhost/connector-host/gen/tzero/v1/payment_intent/payment_intentconnect"
	"github.com/connectorhost/connector-host/platform/tzero/sigauth"
)

// testDB is one database a test runs against.
type testDB struct {
	name    string
	dialect string
	open    func(t testing.TB) *sql.DB // a fresh, empty database
}

func testDBs(t testing.TB) []testDB {
	// SQLite is opened exactly as the platform opens it (platform/store), so
	// the tests run on the production settings (one connection, WAL).
	dbs := []testDB{{name: "sqlite", dialect: DialectSQLite, open: func(t testing.TB) *sql.DB {
		db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "tzero.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db.SQL
	}}}
	pgURL := os.Getenv("PAYMENTS_TEST_POSTGRES_URL")
	if pgURL == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("PAYMENTS_TEST_POSTGRES_URL is unset with CI=true: the PostgreSQL variant must run in CI")
		}
		t.Log("SKIPPED PostgreSQL variant: PAYMENTS_TEST_POSTGRES_URL is unset (only SQLite runs)")
		return dbs
	}
	return append(dbs, testDB{name: "postgres", dialect: DialectPostgres, open: func(t testing.TB) *sql.DB {
		return openPostgres(t, pgURL)
	}})
}

// openPostgres creates a uniquely named database and drops it after the test.
func openPostgres(t testing.TB, base string) *sql.DB {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "tzero_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		a, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer a.Close()
		if _, err := a.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return db
}

func forEachDB(t *testing.T, f func(t *testing.T, db testDB)) {
	for _, d := range testDBs(t) {
		t.Run(d.name, func(t *testing.T) { f(t, d) })
	}
}

// clock is the shared test clock: real time plus an offset tests advance.
type clock struct{ off atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) Advance(d time.Duration) { c.off.Add(int64(d)) }

// sim is a simulated provider: it serves PayInProviderService and
// BeneficiaryService (verifying the network's signature) and calls the
// network with its own signed client.
type sim struct {
	id     uint32
	key    *secp256k1.PrivateKey
	srv    *httptest.Server
	client payment_intentconnect.PaymentIntentServiceClient

	mu           sync.Mutex
	codes        map[uint64]string
	detailsCalls map[uint64]int
	lastDetails  *pi.GetPaymentDetailsRequest

	rejectDetails atomic.Bool
	failDetails   atomic.Bool  // GetPaymentDetails answers an error
	badDetails    atomic.Bool  // answer an invalid IBAN and a method not asked for
	failUpdates   atomic.Int32 // fail this many next PaymentIntentUpdate calls
	updateCalls   atomic.Int32
	protocols     sync.Map // content types of the network's calls seen
	updates       chan *pi.PaymentIntentUpdateRequest
}

func (p *sim) GetPaymentDetails(_ context.Context, req *connect.Request[pi.GetPaymentDetailsRequest]) (*connect.Response[pi.GetPaymentDetailsResponse], error) {
	m := req.Msg
	p.mu.Lock()
	p.codes[m.GetPaymentIntentId()] = m.GetConfirmationCode()
	p.detailsCalls[m.GetPaymentIntentId()]++
	p.lastDetails = m
	p.mu.Unlock()
	if p.failDetails.Load() {
		return nil, connect.NewError(connect.CodeUnavailable, fmt.Errorf("provider %d is down", p.id))
	}
	if p.rejectDetails.Load() {
		return connect.NewResponse(&pi.GetPaymentDetailsResponse{Result: &pi.GetPaymentDetailsResponse_Rejection_{Rejection: &pi.GetPaymentDetailsResponse_Rejection{Reason: "no capacity"}}}), nil
	}
	d := &pi.GetPaymentDetailsResponse_Details{}
	if p.badDetails.Load() {
		d.PaymentDetails = []*common.PaymentDetails{
			{Details: &common.PaymentDetails_Sepa_{Sepa: &common.PaymentDetails_Sepa{Iban: "not an iban", BeneficiaryName: "X"}}},
			{Details: &common.PaymentDetails_Fps_{Fps: &common.PaymentDetails_Fps{SortCode: "123456", AccountNumber: "12345678", BeneficiaryName: "X"}}},
		}
		return connect.NewResponse(&pi.GetPaymentDetailsResponse{Result: &pi.GetPaymentDetailsResponse_Details_{Details: d}}), nil
	}
	for _, method := range m.GetPaymentMethods() {
		if method == common.PaymentMethodType_PAYMENT_METHOD_TYPE_SEPA {
			d.PaymentDetails = append(d.PaymentDetails, &common.PaymentDetails{Details: &common.PaymentDetails_Sepa_{Sepa: &common.PaymentDetails_Sepa{
				Iban: "DE89370400440532013000", BeneficiaryName: fmt.Sprintf("Provider %d GmbH", p.id), PaymentReference: fmt.Sprintf("PI%d", m.GetPaymentIntentId()),
			}}})
		}
	}
	return connect.NewResponse(&pi.GetPaymentDetailsResponse{Result: &pi.GetPaymentDetailsResponse_Details_{Details: d}}), nil
}

func (p *sim) PaymentIntentUpdate(_ context.Context, req *connect.Request[pi.PaymentIntentUpdateRequest]) (*connect.Response[pi.PaymentIntentUpdateResponse], error) {
	p.updateCalls.Add(1)
	if p.failUpdates.Load() > 0 {
		p.failUpdates.Add(-1)
		return nil, connect.NewError(connect.CodeUnavailable, fmt.Errorf("beneficiary %d is down", p.id))
	}
	p.updates <- req.Msg
	return connect.NewResponse(&pi.PaymentIntentUpdateResponse{}), nil
}

func (p *sim) code(id uint64) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.codes[id]
}

func (p *sim) calls(id uint64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.detailsCalls[id]
}

// waitUpdate returns the next notification the provider acknowledged.
func (p *sim) waitUpdate(t *testing.T) *pi.PaymentIntentUpdateRequest {
	t.Helper()
	select {
	case u := <-p.updates:
		return u
	case <-time.After(15 * time.Second):
		t.Fatalf("provider %d: no PaymentIntentUpdate within 15s", p.id)
		return nil
	}
}

type env struct {
	t         testing.TB
	db        *sql.DB
	dia       string
	clk       *clock
	net       *Service
	url       string
	netKey    *secp256k1.PrivateKey
	delivered chan uint64 // intent ids whose notification was marked delivered
	opts      []Option    // extra options for the network
	ben       *sim        // beneficiary, id 1
	p1        *sim        // pay-in provider, id 2
	p2        *sim        // pay-in provider, id 3
}

func legalPerson(name string) *ivms.LegalPerson {
	return &ivms.LegalPerson{
		Name: &ivms.LegalPersonName{NameIdentifiers: []*ivms.LegalPersonNameId{{
			LegalPersonName: name, LegalPersonNameIdentifierType: ivms.LegalPersonNameTypeCode_LEGAL_PERSON_NAME_TYPE_CODE_LEGL}}},
		GeographicAddresses:   []*ivms.Address{{AddressType: ivms.AddressTypeCode_ADDRESS_TYPE_CODE_GEOG, TownName: "Berlin", Country: "DE"}},
		CountryOfRegistration: "DE",
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newEnv starts the network (with its workers unless noRun) and three
// registered providers on db.
func newEnv(t testing.TB, d testDB, noRun bool, opts ...Option) *env {
	t.Helper()
	ctx := context.Background()
	db := d.open(t)
	if err := Migrate(ctx, db, d.dialect); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, dia: d.dialect, clk: &clock{}, delivered: make(chan uint64, 100), opts: opts}
	netKey, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	e.netKey = netKey
	e.net = e.newService(netKey)
	mux := http.NewServeMux()
	e.net.Mount(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	e.ben = e.newSim(1, netKey)
	e.p1 = e.newSim(2, netKey)
	e.p2 = e.newSim(3, netKey)
	if !noRun {
		e.run(e.net)
	}
	return e
}

func (e *env) newService(netKey *secp256k1.PrivateKey) *Service {
	opts := append([]Option{WithSigningKey(netKey), WithClock(e.clk.Now), WithLogger(quietLogger()),
		WithRetryBackoff(5*time.Millisecond, 50*time.Millisecond), WithPollInterval(10 * time.Millisecond), WithSettlementInterval(0)}, e.opts...)
	s, err := New(context.Background(), e.db, e.dia, opts...)
	if err != nil {
		e.t.Fatal(err)
	}
	s.onDelivered = func(id uint64) { e.delivered <- id }
	return s
}

// waitDelivered waits until the network marked intent id's notification
// delivered.
func (e *env) waitDelivered(id uint64) {
	e.t.Helper()
	for {
		select {
		case got := <-e.delivered:
			if got == id {
				return
			}
		case <-time.After(15 * time.Second):
			e.t.Fatalf("intent %d: notification not marked delivered within 15s", id)
		}
	}
}

// run runs s's workers until the test ends.
func (e *env) run(s *Service) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = s.Run(ctx); close(done) }()
	e.t.Cleanup(func() { cancel(); <-done })
}

func (e *env) newSim(id uint32, netKey *secp256k1.PrivateKey) *sim {
	t := e.t
	key, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	p := &sim{id: id, key: key, codes: map[uint64]string{}, detailsCalls: map[uint64]int{}, updates: make(chan *pi.PaymentIntentUpdateRequest, 100)}
	mux := http.NewServeMux()
	mux.Handle(payment_intentconnect.NewPayInProviderServiceHandler(p))
	mux.Handle(payment_intentconnect.NewBeneficiaryServiceHandler(p))
	networkKey := sigauth.FormatPublicKey(netKey.PubKey())
	v := &sigauth.Verifier{Now: e.clk.Now, Resolve: func(_ context.Context, k string) (any, error) {
		if k != networkKey {
			return nil, sigauth.ErrUnknownKey
		}
		return "network", nil
	}}
	seen := v.Middleware(mux)
	// Serves HTTP/1.1 and cleartext HTTP/2 (for gRPC).
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.protocols.Store(r.Header.Get("Content-Type"), true)
		seen.ServeHTTP(w, r)
	}))
	p.srv.Config.Protocols = new(http.Protocols)
	p.srv.Config.Protocols.SetHTTP1(true)
	p.srv.Config.Protocols.SetUnencryptedHTTP2(true)
	p.srv.Start()
	t.Cleanup(p.srv.Close)
	p.client = payment_intentconnect.NewPaymentIntentServiceClient(
		&http.Client{Transport: &sigauth.Transport{Key: key, Now: e.clk.Now}}, e.url)
	if err := e.net.PutProvider(context.Background(), Provider{
		ID: id, Name: fmt.Sprintf("provider %d", id), PublicKey: sigauth.FormatPublicKey(key.PubKey()), BaseURL: p.srv.URL,
		LegalEntities: []LegalEntity{{ID: id * 10, Person: legalPerson(fmt.Sprintf("Provider %d GmbH", id))}},
	}); err != nil {
		t.Fatal(err)
	}
	return p
}

func dec(u int64, e int32) *common.Decimal { return &common.Decimal{Unscaled: u, Exponent: e} }

const sepa = common.PaymentMethodType_PAYMENT_METHOD_TYPE_SEPA

// quote is one quote with bands of (max USD, rate, fix).
func (e *env) quote(currency string, method common.PaymentMethodType, ttl time.Duration, bands ...*pi.UpdateQuoteRequest_Quote_Band) *pi.UpdateQuoteRequest_Quote {
	now := e.clk.Now()
	return &pi.UpdateQuoteRequest_Quote{Currency: currency, PaymentMethod: method, Bands: bands,
		Expiration: timestamppb.New(now.Add(ttl)), Timestamp: timestamppb.New(now)}
}

var bandSeq atomic.Int64

func band(max, rate, fix *common.Decimal) *pi.UpdateQuoteRequest_Quote_Band {
	return &pi.UpdateQuoteRequest_Quote_Band{ClientQuoteId: fmt.Sprintf("band-%d", bandSeq.Add(1)), MaxAmount: max, Rate: rate, Fix: fix}
}

func (e *env) setQuotes(p *sim, qs ...*pi.UpdateQuoteRequest_Quote) {
	e.t.Helper()
	if _, err := p.client.UpdateQuote(context.Background(), connect.NewRequest(&pi.UpdateQuoteRequest{PaymentIntentQuotes: qs})); err != nil {
		e.t.Fatalf("provider %d UpdateQuote: %v", p.id, err)
	}
}

func createReq(ref, currency string, amount *common.Decimal, providers ...uint32) *pi.CreatePaymentIntentRequest {
	return &pi.CreatePaymentIntentRequest{
		ExternalReference: ref, Currency: currency, Amount: amount, PayInProviderIds: providers,
		TravelRuleData: &pi.CreatePaymentIntentRequest_TravelRuleData{
			Beneficiary: []*ivms.Person{{Person: &ivms.Person_LegalPerson{LegalPerson: legalPerson("Shop Ltd")}}},
		},
	}
}

func (e *env) create(p *sim, req *pi.CreatePaymentIntentRequest) *pi.CreatePaymentIntentResponse {
	e.t.Helper()
	resp, err := p.client.CreatePaymentIntent(context.Background(), connect.NewRequest(req))
	if err != nil {
		e.t.Fatalf("CreatePaymentIntent: %v", err)
	}
	return resp.Msg
}

// mustCreate creates an intent that must succeed and returns its id.
func (e *env) mustCreate(p *sim, req *pi.CreatePaymentIntentRequest) uint64 {
	e.t.Helper()
	r := e.create(p, req)
	if r.GetSuccess() == nil {
		e.t.Fatalf("CreatePaymentIntent = %v, want success", r)
	}
	return r.GetSuccess().GetPaymentIntentId()
}

func confirmReq(id uint64, code string, method common.PaymentMethodType, ref string) *pi.ConfirmFundsReceivedRequest {
	return &pi.ConfirmFundsReceivedRequest{PaymentIntentId: id, ConfirmationCode: code, PaymentMethod: method, TransactionReference: ref}
}

func (e *env) confirm(p *sim, req *pi.ConfirmFundsReceivedRequest) (*pi.ConfirmFundsReceivedResponse, error) {
	resp, err := p.client.ConfirmFundsReceived(context.Background(), connect.NewRequest(req))
	if err != nil {
		return nil, err
	}
	return resp.Msg, nil
}

func sameDec(a, b *common.Decimal) bool {
	return a.GetUnscaled() == b.GetUnscaled() && a.GetExponent() == b.GetExponent()
}
