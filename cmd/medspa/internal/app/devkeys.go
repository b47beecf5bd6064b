package app

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/telnyx"
)

// Development key files, kept in DataDir so the simulator and `medspa token`
// sign with the same keys the running system verifies with.
const (
	devKeyDir        = "dev-keys"
	devTelnyxKeyFile = "telnyx_ed25519.key" // base64 of the 64-byte private key
	devJWTFile       = "jwt_secret"
	devTwilioFile    = "twilio_auth_token"
	devStripeFile    = "stripe_webhook_secret"
)

// DevNATSPasswordFile is the file in DATA_DIR/dev-keys of the development
// password of role's user of the embedded NATS server.
func DevNATSPasswordFile(role string) string { return "nats_" + role + ".pass" }

// NATSPasswords returns the embedded NATS server's password of every role's
// user (bus.Roles): the configured ones, else development passwords
// created in DataDir/dev-keys.
func NATSPasswords(cfg Config) (map[string]string, error) {
	out := make(map[string]string, len(bus.Roles))
	for _, role := range bus.Roles {
		if p := cfg.NATSRolePasswords[role]; p != "" {
			out[role] = p
			continue
		}
		b, err := devNamedSecret(cfg.DataDir, DevNATSPasswordFile(role))
		if err != nil {
			return nil, fmt.Errorf("NATS %s password: %w", role, err)
		}
		out[role] = string(b)
	}
	return out, nil
}

// DevNATSPassword returns the development password of role's user of the
// embedded NATS server kept in dataDir, for the operator commands.
func DevNATSPassword(dataDir, role string) (string, error) {
	b, err := readDevSecret(dataDir, DevNATSPasswordFile(role))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// ResolveKeys returns the configured keys, creating development keys in
// DataDir for whatever is missing in embedded mode.
func ResolveKeys(cfg *Config) (Keys, error) {
	var k Keys
	if cfg.TelnyxPublicKey != "" {
		pub, err := telnyx.ParsePublicKey(cfg.TelnyxPublicKey)
		if err != nil {
			return Keys{}, fmt.Errorf("TELNYX_PUBLIC_KEY: %w", err)
		}
		k.TelnyxPublic = pub
	} else {
		if !cfg.Embedded() {
			return Keys{}, errors.New("TELNYX_PUBLIC_KEY is required with an external NATS_URL")
		}
		priv, err := devTelnyxKey(cfg.DataDir)
		if err != nil {
			return Keys{}, err
		}
		k.TelnyxPrivate = priv
		k.TelnyxPublic = priv.Public().(ed25519.PublicKey)
	}
	if cfg.JWTSecret != "" {
		k.JWTSecret = []byte(cfg.JWTSecret)
	} else {
		if !cfg.Embedded() {
			return Keys{}, errors.New("AUTH_JWT_SECRET is required with an external NATS_URL")
		}
		s, err := devSecret(cfg.DataDir)
		if err != nil {
			return Keys{}, err
		}
		k.JWTSecret = s
	}
	k.PublicBaseURL = cfg.PublicBaseURL
	switch {
	case cfg.StripeWebhookSecret != "":
		k.StripeWebhookSecret = cfg.StripeWebhookSecret
	case cfg.Embedded():
		s, err := devNamedSecret(cfg.DataDir, devStripeFile)
		if err != nil {
			return Keys{}, err
		}
		k.StripeWebhookSecret = "whsec_dev_" + string(s)
	}
	switch {
	case cfg.TwilioAuthToken != "":
		k.TwilioToken = cfg.TwilioAuthToken
	case cfg.Embedded():
		tok, err := devNamedSecret(cfg.DataDir, devTwilioFile)
		if err != nil {
			return Keys{}, err
		}
		k.TwilioToken = string(tok)
	}
	if k.PublicBaseURL == "" {
		k.PublicBaseURL = "http://127.0.0.1:" + strconv.Itoa(cfg.Port)
	}
	return k, nil
}

// minDevSecret is the length, in bytes, below which a development secret
// file is refused: an empty or truncated file must not become a secret
// anyone can guess (an empty Stripe secret is the public "whsec_dev_").
const minDevSecret = 32

// readDevSecret reads the development secret kept in dataDir/dev-keys/name.
func readDevSecret(dataDir, name string) ([]byte, error) {
	path := filepath.Join(dataDir, devKeyDir, name)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := strings.TrimSpace(string(b))
	if len(s) < minDevSecret {
		return nil, fmt.Errorf("development secret %s holds %d bytes, fewer than %d: delete the file and a new secret is made on the next start", path, len(s), minDevSecret)
	}
	return []byte(s), nil
}

// DevTwilioToken returns the development Twilio auth token in dataDir.
func DevTwilioToken(dataDir string) (string, error) {
	b, err := readDevSecret(dataDir, devTwilioFile)
	if err != nil {
		return "", fmt.Errorf("read development Twilio token (start `make run` once first): %w", err)
	}
	return string(b), nil
}

// DevStripeWebhookSecret returns the development Stripe webhook secret.
func DevStripeWebhookSecret(dataDir string) (string, error) {
	b, err := readDevSecret(dataDir, devStripeFile)
	if err != nil {
		return "", fmt.Errorf("read development Stripe webhook secret (start `make run` once first): %w", err)
	}
	return "whsec_dev_" + string(b), nil
}

// DevTelnyxKey returns the development signing key in dataDir, if one
// exists.
func DevTelnyxKey(dataDir string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, devKeyDir, devTelnyxKeyFile))
	if err != nil {
		return nil, fmt.Errorf("read development Telnyx key (start `make run` once first): %w", err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(raw) != ed25519.PrivateKeySize {
		return nil, errors.New("development Telnyx key file is corrupt")
	}
	return ed25519.PrivateKey(raw), nil
}

// DevJWTSecret returns the development JWT secret in dataDir, if one exists.
func DevJWTSecret(dataDir string) ([]byte, error) {
	b, err := readDevSecret(dataDir, devJWTFile)
	if err != nil {
		return nil, fmt.Errorf("read development JWT secret (start `make run` once first): %w", err)
	}
	return b, nil
}

func devTelnyxKey(dataDir string) (ed25519.PrivateKey, error) {
	priv, err := DevTelnyxKey(dataDir)
	if err == nil {
		return priv, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	_, priv, err = ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate development key: %w", err)
	}
	if err := writeSecret(dataDir, devTelnyxKeyFile, base64.StdEncoding.EncodeToString(priv)); err != nil {
		return nil, err
	}
	return priv, nil
}

func devSecret(dataDir string) ([]byte, error) { return devNamedSecret(dataDir, devJWTFile) }

// devNamedSecret returns the random development secret kept in a file of
// DATA_DIR/dev-keys, creating it on first use. A file too short to be a
// secret is refused, never used.
func devNamedSecret(dataDir, name string) ([]byte, error) {
	b, err := readDevSecret(dataDir, name)
	if err == nil {
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read development secret: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("generate development secret: %w", err)
	}
	enc := base64.RawURLEncoding.EncodeToString(raw)
	if err := writeSecret(dataDir, name, enc); err != nil {
		return nil, err
	}
	return []byte(enc), nil
}

// writeSecret writes a development key file atomically: a temporary file
// in the same directory, synced, then renamed over the name, and the
// directory synced. A crash leaves the whole file or none, never an empty
// or partial one, and a reader never sees one being written. (Two
// processes creating the same key at once: the last rename wins.)
func writeSecret(dataDir, name, value string) (err error) {
	dir := filepath.Join(dataDir, devKeyDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+name+".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("write development key: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	_, err = f.WriteString(value + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		return fmt.Errorf("write development key: %w", err)
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync() // the rename survives a crash; not every system syncs a directory
		_ = d.Close()
	}
	return nil
}
