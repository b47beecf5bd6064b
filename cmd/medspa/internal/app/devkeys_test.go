package app

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An empty or short development secret file is refused with an error
// that names it, never used (an empty Stripe secret would be the public
// "whsec_dev_").
func TestDevSecretsRefuseShortFiles(t *testing.T) {
	for _, name := range []string{devJWTFile, devTwilioFile, devStripeFile} {
		for _, content := range []string{"", "\n", "short-secret\n", strings.Repeat("x", minDevSecret-1)} {
			cfg := Defaults()
			cfg.DataDir = t.TempDir()
			if _, err := ResolveKeys(&cfg); err != nil {
				t.Fatalf("first start: %v", err)
			}
			path := filepath.Join(cfg.DataDir, devKeyDir, name)
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := ResolveKeys(&cfg); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "32") {
				t.Errorf("%s holding %q: error %v; want an error naming the file and 32 bytes", name, content, err)
			}
		}
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, devKeyDir), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{devJWTFile, devTwilioFile, devStripeFile} {
		if err := os.WriteFile(filepath.Join(dir, devKeyDir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if s, err := DevJWTSecret(dir); err == nil {
		t.Errorf("DevJWTSecret of an empty file = %q", s)
	}
	if s, err := DevTwilioToken(dir); err == nil {
		t.Errorf("DevTwilioToken of an empty file = %q", s)
	}
	if s, err := DevStripeWebhookSecret(dir); err == nil {
		t.Errorf("DevStripeWebhookSecret of an empty file = %q", s)
	}
}

func TestDevSecretsMadeOnceAndKept(t *testing.T) {
	cfg := Defaults()
	cfg.DataDir = t.TempDir()
	first, err := ResolveKeys(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.JWTSecret) < minDevSecret || len(first.TwilioToken) < minDevSecret || len(first.StripeWebhookSecret) < len("whsec_dev_")+minDevSecret {
		t.Fatalf("development keys too short: %+v", first)
	}
	again, err := ResolveKeys(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	if string(again.JWTSecret) != string(first.JWTSecret) || again.TwilioToken != first.TwilioToken || again.StripeWebhookSecret != first.StripeWebhookSecret {
		t.Error("a second start made new development keys")
	}
	if s, err := DevStripeWebhookSecret(cfg.DataDir); err != nil || s != first.StripeWebhookSecret {
		t.Errorf("DevStripeWebhookSecret = %q, %v", s, err)
	}
	entries, err := os.ReadDir(filepath.Join(cfg.DataDir, devKeyDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
	}
	if len(entries) != 4 {
		t.Errorf("%d files in dev-keys, want 4", len(entries))
	}
}

// A key file is replaced whole by a rename, never rewritten in place: a
// reader that opened it before still reads the whole old content, and the
// name never shows a partial file.
func TestDevKeyFilesWrittenAtomically(t *testing.T) {
	dir := t.TempDir()
	old := strings.Repeat("a", 43)
	if err := writeSecret(dir, devJWTFile, old); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, devKeyDir, devJWTFile)
	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	before, err := r.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if err := writeSecret(dir, devJWTFile, strings.Repeat("b", 43)); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Error("the key file was rewritten in place, not replaced")
	}
	got, err := io.ReadAll(r)
	if err != nil || string(got) != old+"\n" {
		t.Errorf("a reader of the old file read %q, %v; want the whole old secret", got, err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != strings.Repeat("b", 43)+"\n" {
		t.Errorf("file = %q, %v", b, err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, devKeyDir))
	if len(entries) != 1 {
		t.Errorf("dev-keys holds %d files, want 1 (no temporary file left)", len(entries))
	}
}
