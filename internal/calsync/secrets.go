package calsync

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrNoSecret: a calendar names a credential the process does not have.
var ErrNoSecret = errors.New("calendar secret not found")

// Secrets resolves the credential a calendar names (ExternalCalendar.Secret)
// from the environment, CALDAV_SECRET_<NAME>=user:password (NAME upper-case,
// other characters than letters and digits as _), or else from a secrets
// file of `name: user:password` lines (# starts a comment). The file is read
// at each look-up, so a rotated password is used from the next sync on.
type Secrets struct {
	Getenv func(string) string
	File   string
}

// EnvName is the environment variable that holds the credential name.
func EnvName(name string) string {
	var b strings.Builder
	b.WriteString("CALDAV_SECRET_")
	for _, r := range strings.ToUpper(name) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Resolve returns the credential called name; "" means none is needed. The
// error names the secret and where it was looked for, never a value.
func (s Secrets) Resolve(name string) (*Credential, error) {
	if name == "" {
		return nil, nil
	}
	if s.Getenv != nil {
		if v := s.Getenv(EnvName(name)); v != "" {
			return splitCredential(name, v)
		}
	}
	if s.File == "" {
		return nil, fmt.Errorf("%w: %q (set %s or SECRETS_FILE)", ErrNoSecret, name, EnvName(name))
	}
	f, err := os.Open(s.File)
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == name {
			return splitCredential(name, strings.TrimSpace(v))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	return nil, fmt.Errorf("%w: %q (not in %s nor in the secrets file)", ErrNoSecret, name, EnvName(name))
}

func splitCredential(name, v string) (*Credential, error) {
	user, pass, ok := strings.Cut(v, ":")
	if !ok || user == "" {
		return nil, fmt.Errorf("calendar secret %q must be user:password", name)
	}
	return &Credential{User: user, Password: pass}, nil
}
