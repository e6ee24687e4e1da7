package main

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/connectorhost/connector-host/platform/store"
	"github.com/connectorhost/connector-host/platform/tzero"
	"github.com/connectorhost/connector-host/platform/tzero/sigauth"
)

// envTzeroKey holds the T-0 network's secp256k1 private key (hex): it signs
// the network's calls to providers, who verify them with its public key.
const envTzeroKey = "TZERO_NETWORK_KEY"

// tzeroModule serves PaymentIntentService on the platform's database and
// runs its notification worker and periodic settlement.
func tzeroModule(keyHex string, log *slog.Logger) (func(context.Context, *sql.DB, string) (map[string]http.Handler, func(context.Context) error, error), error) {
	key, err := sigauth.ParsePrivateKey(keyHex)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envTzeroKey, err)
	}
	return func(ctx context.Context, db *sql.DB, dialect string) (map[string]http.Handler, func(context.Context) error, error) {
		if err := tzero.Migrate(ctx, db, dialect); err != nil {
			return nil, nil, err
		}
		svc, err := tzero.New(ctx, db, dialect, tzero.WithSigningKey(key), tzero.WithLogger(log))
		if err != nil {
			return nil, nil, err
		}
		log.Info("T-0 PaymentIntentService served", "network_public_key", svc.PublicKey())
		path, h := svc.Handler()
		return map[string]http.Handler{path: h}, svc.Run, nil
	}, nil
}

// runTzero is the operator command for the T-0 network: a new network key,
// or provider and settlement administration on the platform's database.
func runTzero(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 1 && args[0] == "gen-key" {
		k, err := secp256k1.GeneratePrivateKey()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s=%s\n# public key for providers: %s\n", envTzeroKey, hex.EncodeToString(k.Serialize()), sigauth.FormatPublicKey(k.PubKey()))
		return nil
	}
	fs := flag.NewFlagSet("tzero", flag.ContinueOnError)
	dbURL := fs.String("database", env("PAYMENTS_DATABASE_URL", "sqlite:payments.db"), "sqlite:PATH or postgres://… (env PAYMENTS_DATABASE_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	keyHex := os.Getenv(envTzeroKey)
	if keyHex == "" {
		return errors.New(envTzeroKey + " is required (payments-platform tzero gen-key)")
	}
	key, err := sigauth.ParsePrivateKey(keyHex)
	if err != nil {
		return fmt.Errorf("%s: %w", envTzeroKey, err)
	}
	db, err := store.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := tzero.Migrate(ctx, db.SQL, db.Dialect); err != nil {
		return err
	}
	svc, err := tzero.New(ctx, db.SQL, db.Dialect, tzero.WithSigningKey(key))
	if err != nil {
		return err
	}
	return svc.AdminCommand(ctx, fs.Args(), stdin, stdout)
}
