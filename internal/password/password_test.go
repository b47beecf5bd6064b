package password

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q: not the PHC form with the stated parameters", h)
	}
	if ok, err := Verify(h, "correct horse battery"); !ok || err != nil {
		t.Errorf("right password: %v %v", ok, err)
	}
	if ok, err := Verify(h, "correct horse batterY"); ok || err != nil {
		t.Errorf("wrong password: %v %v", ok, err)
	}
	h2, _ := Hash("correct horse battery")
	if h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
}

func TestVerifyOtherParameters(t *testing.T) {
	// A hash made with other parameters (m=8 KiB, t=1, p=1, 16-byte key)
	// verifies with the parameters it names.
	salt := []byte("somesaltsomesalt")
	key := argon2.IDKey([]byte("password-other"), salt, 1, 8, 1, 16)
	b64 := base64.RawStdEncoding
	h := "$argon2id$v=19$m=8,t=1,p=1$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
	if ok, err := Verify(h, "password-other"); !ok || err != nil {
		t.Errorf("right password: %v %v", ok, err)
	}
	if ok, err := Verify(h, "password-othe"); ok || err != nil {
		t.Errorf("wrong password: %v %v", ok, err)
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=16$m=8,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=8,t=1,p=1$!!$a2V5a2V5a2V5a2V5a2V5"} {
		if _, err := Verify(h, "x"); !errors.Is(err, ErrMalformed) {
			t.Errorf("Verify(%q) = %v, want ErrMalformed", h, err)
		}
	}
}

func TestCheck(t *testing.T) {
	for pw, ok := range map[string]bool{
		"short":                          false,
		strings.Repeat("a", 11):          false,
		strings.Repeat("a", 12):          true,
		strings.Repeat("é", 12):          true,
		strings.Repeat("a", 256):         true,
		strings.Repeat("a", 257):         false,
		"\xff" + strings.Repeat("a", 12): false,
	} {
		if got := Check(pw) == ""; got != ok {
			t.Errorf("Check(%q) ok = %v, want %v", pw, got, ok)
		}
	}
}

func TestVerifyDummy(t *testing.T) {
	if VerifyDummy("no account has this password: xxxxxxxxxxxxxxxx") {
		t.Error("VerifyDummy returned true")
	}
}

func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("correct horse battery"); err != nil {
			b.Fatal(err)
		}
	}
}
