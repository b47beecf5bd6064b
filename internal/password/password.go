// Package password hashes staff passwords with argon2id and checks them.
// Hashes are PHC strings:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt, base64 without padding>$<key>
//
// The parameters are read back from each hash, so hashes made with other
// parameters keep verifying after the defaults change.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Parameters of new hashes: 19 MiB of memory, two passes, one lane (the
// OWASP recommendation for argon2id), a 16-byte salt and a 32-byte key.
const (
	Memory  = 19 * 1024 // KiB
	Time    = 2
	Threads = 1
	saltLen = 16
	keyLen  = 32
)

// Bounds of a password's length, in characters.
const (
	MinLength = 12
	MaxLength = 256
)

// Upper bounds of the parameters a stored hash may ask for, so a corrupt
// row cannot make a check take gigabytes.
const (
	maxMemory  = 256 * 1024
	maxTime    = 10
	maxThreads = 16
)

// ErrMalformed: a stored hash that is not an argon2id PHC string.
var ErrMalformed = errors.New("malformed password hash")

// Check names what is wrong with a new password, or returns "".
func Check(pw string) string {
	switch n := utf8.RuneCountInString(pw); {
	case !utf8.ValidString(pw):
		return "not valid UTF-8"
	case n < MinLength:
		return fmt.Sprintf("at least %d characters", MinLength)
	case n > MaxLength:
		return fmt.Sprintf("at most %d characters", MaxLength)
	}
	return ""
}

// Hash returns the PHC string of pw with a fresh random salt.
func Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, Time, Memory, Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, Memory, Time, Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches hash, comparing in constant time.
func Verify(hash, pw string) (bool, error) {
	p, err := parse(hash)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(pw), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

// dummy is a hash of a password nobody knows, with the parameters of new
// hashes (made on first use): checked when an email names no user (or one
// without a password) so that the answer takes as long as for a wrong
// password.
var dummy = sync.OnceValue(func() string {
	h, err := Hash("no account has this password: " + strings.Repeat("x", 16))
	if err != nil {
		panic(err)
	}
	return h
})

// VerifyDummy spends the time of a Verify and returns false.
func VerifyDummy(pw string) bool {
	_, _ = Verify(dummy(), pw)
	return false
}

type params struct {
	memory    uint32
	time      uint32
	threads   uint8
	salt, key []byte
}

func parse(hash string) (params, error) {
	var p params
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, ErrMalformed
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, fmt.Errorf("%w: version %q", ErrMalformed, parts[2])
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &threads); err != nil {
		return p, fmt.Errorf("%w: parameters %q", ErrMalformed, parts[3])
	}
	if p.memory < 8 || p.memory > maxMemory || p.time < 1 || p.time > maxTime || threads < 1 || threads > maxThreads {
		return p, fmt.Errorf("%w: parameters %q out of range", ErrMalformed, parts[3])
	}
	p.threads = uint8(threads)
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(p.salt) < 8 {
		return p, fmt.Errorf("%w: salt", ErrMalformed)
	}
	if p.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 64 {
		return p, fmt.Errorf("%w: key", ErrMalformed)
	}
	return p, nil
}
