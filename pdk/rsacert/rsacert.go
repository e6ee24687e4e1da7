// Package rsacert reads X.509 certificates with RSA keys inside the plugin
// sandbox. crypto/x509 cannot be used there: it links package net, whose
// initialisation reads files the sandbox does not give a plugin, so the
// runtime refuses the module. This package parses only what verifying a
// signature needs (validity, RSA key, the signature over the TBS bytes) with
// encoding/asn1, and checks that one certificate signed another.
package rsacert

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Cert is a parsed certificate with an RSA public key.
type Cert struct {
	NotBefore, NotAfter time.Time
	Key                 *rsa.PublicKey
	// Subject is the certificate's subject name (CommonName, Organization...).
	Subject pkix.Name
	// IsCA reports whether the basic constraints extension marks the
	// certificate as a CA (one that may sign others).
	IsCA   bool
	raw    []byte
	tbs    []byte
	sigAlg asn1.ObjectIdentifier
	sig    []byte
}

type certificate struct {
	TBS    tbsCertificate
	SigAlg pkix.AlgorithmIdentifier
	Sig    asn1.BitString
}

type tbsCertificate struct {
	Raw       asn1.RawContent
	Version   int `asn1:"optional,explicit,default:0,tag:0"`
	Serial    *big.Int
	SigAlg    pkix.AlgorithmIdentifier
	Issuer    asn1.RawValue
	Validity  struct{ NotBefore, NotAfter time.Time }
	Subject   asn1.RawValue
	PublicKey struct {
		Algorithm pkix.AlgorithmIdentifier
		Key       asn1.BitString
	}
	IssuerUID  asn1.BitString   `asn1:"optional,tag:1"`
	SubjectUID asn1.BitString   `asn1:"optional,tag:2"`
	Extensions []pkix.Extension `asn1:"omitempty,optional,explicit,tag:3"`
}

var (
	oidRSA       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidSHA256RSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA384RSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidSHA512RSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}

	oidBasicConstraints = asn1.ObjectIdentifier{2, 5, 29, 19}
)

type basicConstraints struct {
	IsCA       bool `asn1:"optional"`
	MaxPathLen int  `asn1:"optional,default:-1"`
}

// ParsePEM reads every CERTIFICATE block of pemText, in order.
func ParsePEM(pemText []byte) ([]*Cert, error) {
	var out []*Cert
	for {
		var b *pem.Block
		b, pemText = pem.Decode(pemText)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := Parse(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(out)+1, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no PEM CERTIFICATE block")
	}
	return out, nil
}

// Parse reads one DER certificate whose key is RSA.
func Parse(der []byte) (*Cert, error) {
	var c certificate
	rest, err := asn1.Unmarshal(der, &c)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	if len(rest) > 0 {
		return nil, errors.New("parse certificate: trailing data")
	}
	if !c.TBS.PublicKey.Algorithm.Algorithm.Equal(oidRSA) {
		return nil, errors.New("the certificate's key is not RSA")
	}
	var k struct {
		N *big.Int
		E int
	}
	if _, err := asn1.Unmarshal(c.TBS.PublicKey.Key.RightAlign(), &k); err != nil {
		return nil, fmt.Errorf("parse RSA key: %w", err)
	}
	if k.N == nil || k.N.Sign() <= 0 || k.N.BitLen() < 2048 || k.E < 3 || k.E > 1<<31-1 {
		return nil, errors.New("the certificate's RSA key is malformed or shorter than 2048 bits")
	}
	var subject pkix.RDNSequence
	if rest, err := asn1.Unmarshal(c.TBS.Subject.FullBytes, &subject); err != nil || len(rest) > 0 {
		return nil, errors.New("parse certificate: malformed subject")
	}
	out := &Cert{
		NotBefore: c.TBS.Validity.NotBefore, NotAfter: c.TBS.Validity.NotAfter,
		Key: &rsa.PublicKey{N: k.N, E: k.E}, raw: der, tbs: c.TBS.Raw, sigAlg: c.SigAlg.Algorithm, sig: c.Sig.RightAlign(),
	}
	out.Subject.FillFromRDNSequence(&subject)
	for _, e := range c.TBS.Extensions {
		if !e.Id.Equal(oidBasicConstraints) {
			continue
		}
		var bc basicConstraints
		if rest, err := asn1.Unmarshal(e.Value, &bc); err != nil || len(rest) > 0 {
			return nil, errors.New("parse certificate: malformed basic constraints")
		}
		out.IsCA = bc.IsCA
	}
	return out, nil
}

// Equal reports whether c and o are the same certificate (the same DER bytes).
func (c *Cert) Equal(o *Cert) bool { return o != nil && bytes.Equal(c.raw, o.raw) }

// ValidAt reports whether t is within the certificate's validity period.
func (c *Cert) ValidAt(t time.Time) bool { return !t.Before(c.NotBefore) && !t.After(c.NotAfter) }

// CheckSignatureFrom verifies that parent's key signed c (PKCS #1 v1.5 with
// SHA-256, -384 or -512).
func (c *Cert) CheckSignatureFrom(parent *Cert) error {
	var h crypto.Hash
	var sum []byte
	switch {
	case c.sigAlg.Equal(oidSHA256RSA):
		s := sha256.Sum256(c.tbs)
		h, sum = crypto.SHA256, s[:]
	case c.sigAlg.Equal(oidSHA384RSA):
		s := sha512.Sum384(c.tbs)
		h, sum = crypto.SHA384, s[:]
	case c.sigAlg.Equal(oidSHA512RSA):
		s := sha512.Sum512(c.tbs)
		h, sum = crypto.SHA512, s[:]
	default:
		return fmt.Errorf("unsupported certificate signature algorithm %v", c.sigAlg)
	}
	if err := rsa.VerifyPKCS1v15(parent.Key, h, sum, c.sig); err != nil {
		return errors.New("the certificate was not signed by its parent")
	}
	return nil
}
