package uvnet

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	mrand "math/rand"
	"testing"
	"time"
)

// selfSigned returns a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "uvnet test"},
		DNSNames:     []string{"uvnet.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// crypto/tls client and server over uvnet conns move 100 MiB each way; the SHA-256 of what
// each side read equals that of what the other sent.
func TestTLS(t *testing.T) {
	checkLeaks(t)
	size := int64(100 << 20)
	if testing.Short() {
		size = 8 << 20
	}
	cert, pool := selfSigned(t)
	ln, err := Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type result struct {
		sum []byte
		err error
	}
	// pump sends size bytes of the stream of seed on c, then half-closes, while it hashes
	// what c reads.
	pump := func(c *tls.Conn, seed int64) (sent, got []byte, err error) {
		wrote := make(chan error, 1)
		go func() {
			_, err := io.CopyN(c, mrand.New(mrand.NewSource(seed)), size)
			if err == nil {
				err = c.CloseWrite()
			}
			wrote <- err
		}()
		h := sha256.New()
		_, err = io.Copy(h, c)
		if werr := <-wrote; err == nil {
			err = werr
		}
		return hashOf(seed, size), h.Sum(nil), err
	}
	server := make(chan [2]result, 1)
	go func() {
		raw, err := ln.Accept()
		if err != nil {
			server <- [2]result{{err: err}}
			return
		}
		c := tls.Server(raw, &tls.Config{Certificates: []tls.Certificate{cert}})
		defer c.Close()
		sent, got, err := pump(c, 2)
		server <- [2]result{{sent, err}, {got, err}}
	}()
	raw, err := Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := tls.Client(raw, &tls.Config{RootCAs: pool, ServerName: "uvnet.test"})
	defer c.Close()
	sent, got, err := pump(c, 1)
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	s := <-server
	if s[0].err != nil {
		t.Fatalf("server: %v", s[0].err)
	}
	if !bytes.Equal(sent, s[1].sum) || !bytes.Equal(s[0].sum, got) {
		t.Errorf("checksums differ: client sent %x, server read %x; server sent %x, client read %x",
			sent, s[1].sum, s[0].sum, got)
	}
}
