// Package devtls gives the gateway HTTPS for a trial on a local network. Browsers give the
// camera only to a secure context: http://127.0.0.1 is one, a phone at http://192.168.x.y is
// not, so a door app on a real phone needs HTTPS. LocalCA makes a certificate authority once
// (kept in the data folder, so a phone that trusts it keeps trusting it across restarts) and a
// server certificate for this machine's names and addresses, renewed when they change.
package devtls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Files are where LocalCA keeps what it made.
type Files struct {
	// CACert is the authority's certificate: the file a phone installs and trusts.
	CACert string
	// Cert and Key are the gateway's certificate (with the chain) and key.
	Cert, Key string
}

// serverLife stays under the 398 days browsers accept for a server certificate.
const serverLife = 397 * 24 * time.Hour

// LocalCA returns the files of a local authority in dir and a server certificate for hosts
// (names or IP addresses), making or renewing what is missing, expiring or for other hosts.
func LocalCA(dir string, hosts []string, now time.Time) (Files, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Files{}, err
	}
	f := Files{CACert: filepath.Join(dir, "ca.pem"), Cert: filepath.Join(dir, "gateway.pem"), Key: filepath.Join(dir, "gateway-key.pem")}
	caKeyFile := filepath.Join(dir, "ca-key.pem")
	ca, caKey, err := load(f.CACert, caKeyFile)
	if err != nil || now.After(ca.NotAfter.Add(-30*24*time.Hour)) {
		if ca, caKey, err = makeCA(f.CACert, caKeyFile, now); err != nil {
			return Files{}, err
		}
	}
	if cur, _, err := load(f.Cert, f.Key); err == nil && covers(cur, hosts) && now.Before(cur.NotAfter.Add(-7*24*time.Hour)) &&
		cur.CheckSignatureFrom(ca) == nil {
		return f, nil
	}
	return f, makeServer(f, ca, caKey, hosts, now)
}

// Hosts returns the names a phone on the local network may use for this machine: localhost,
// the loopback addresses and every up interface's unicast address.
func Hosts() []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if name, err := os.Hostname(); err == nil && name != "" {
		hosts = append(hosts, name)
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.IsGlobalUnicast() {
			hosts = append(hosts, ipn.IP.String())
		}
	}
	return hosts
}

func covers(c *x509.Certificate, hosts []string) bool {
	for _, h := range hosts {
		if c.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

func load(certFile, keyFile string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, nil, err
	}
	key, ok := pair.PrivateKey.(*ecdsa.PrivateKey)
	if !ok {
		return nil, nil, errors.New("devtls: key is not ECDSA")
	}
	return cert, key, nil
}

func serial() (*big.Int, error) { return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127)) }

func makeCA(certFile, keyFile string, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	host, _ := os.Hostname()
	tmpl := &x509.Certificate{
		SerialNumber: sn, Subject: pkix.Name{CommonName: "sciweek 本地测试根证书 " + host, Organization: []string{"sciweek (local trial)"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0), IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	if err := write(certFile, keyFile, [][]byte{der}, key); err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func makeServer(f Files, ca *x509.Certificate, caKey *ecdsa.PrivateKey, hosts []string, now time.Time) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	sn, err := serial()
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn, Subject: pkix.Name{CommonName: "sciweek gateway"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(serverLife),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range slices.Compact(slices.Sorted(slices.Values(hosts))) {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	return write(f.Cert, f.Key, [][]byte{der, ca.Raw}, key)
}

func write(certFile, keyFile string, chain [][]byte, key *ecdsa.PrivateKey) error {
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	var certPEM []byte
	for _, der := range chain {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		return fmt.Errorf("devtls: %w", err)
	}
	return os.WriteFile(certFile, certPEM, 0o644)
}
