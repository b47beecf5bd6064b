package gateway

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIPBelievesOnlyTrustedProxies(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 192.168.1.7 2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		peer    string
		xff     []string
		trusted []netip.Prefix
		want    string
	}{
		{"nothing trusted", "198.51.100.50:4000", []string{"203.0.113.9"}, nil, "198.51.100.50"},
		{"untrusted peer", "198.51.100.50:4000", []string{"203.0.113.9"}, proxies, "198.51.100.50"},
		{"trusted peer", "10.1.2.3:4000", []string{"203.0.113.9"}, proxies, "203.0.113.9"},
		{"trusted single address", "192.168.1.7:4000", []string{"203.0.113.9"}, proxies, "203.0.113.9"},
		{"another address of its network", "192.168.1.8:4000", []string{"203.0.113.9"}, proxies, "192.168.1.8"},
		{"entries the client wrote", "10.1.2.3:4000", []string{"1.2.3.4, 203.0.113.9"}, proxies, "203.0.113.9"},
		{"two proxies", "10.1.2.3:4000", []string{"1.2.3.4, 203.0.113.9, 10.9.9.9"}, proxies, "203.0.113.9"},
		{"two headers", "10.1.2.3:4000", []string{"1.2.3.4", "203.0.113.9, 10.9.9.9"}, proxies, "203.0.113.9"},
		{"no header", "10.1.2.3:4000", nil, proxies, "10.1.2.3"},
		{"garbage", "10.1.2.3:4000", []string{"203.0.113.9, not-an-ip"}, proxies, "10.1.2.3"},
		{"garbage behind a proxy", "10.1.2.3:4000", []string{"not-an-ip, 10.9.9.9"}, proxies, "10.9.9.9"},
		{"only proxies", "10.1.2.3:4000", []string{"10.7.7.7, 10.9.9.9"}, proxies, "10.7.7.7"},
		{"with a port", "10.1.2.3:4000", []string{"203.0.113.9:5555"}, proxies, "203.0.113.9"},
		{"ipv6", "[2001:db8::1]:4000", []string{"2001:db9::5"}, proxies, "2001:db9::5"},
		{"ipv4-mapped peer", "[::ffff:10.1.2.3]:4000", []string{"203.0.113.9"}, proxies, "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/leads/web", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientIP(r, tt.trusted); got != tt.want {
				t.Errorf("clientIP = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.0.0.0/8,172.16.0.1/12  ::1 ::ffff:192.0.2.0/120 ")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "172.16.0.0/12", "::1/128", "192.0.2.0/24"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("prefix %d = %v, want %s", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"", " , ", "10.0.0.0/33", "proxy.internal", "0.0.0.0/0", "::/0", "10.0.0.1, 0.0.0.0/0"} {
		if p, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) = %v, want an error", bad, p)
		}
	}
}

// X-Forwarded-For is outside input: whatever it holds, the answer is an
// address.
func FuzzClientIP(f *testing.F) {
	for _, s := range []string{"203.0.113.9", "1.2.3.4, 10.0.0.1", "[::1]:80, x", ",,,", "10.0.0.1:99999", "fe80::1%eth0"} {
		f.Add(s)
	}
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	f.Fuzz(func(t *testing.T, xff string) {
		r := httptest.NewRequest("POST", "/leads/web", nil)
		r.RemoteAddr = "10.1.2.3:4000"
		r.Header.Set("X-Forwarded-For", xff)
		got := clientIP(r, trusted)
		if _, err := netip.ParseAddr(got); err != nil {
			t.Fatalf("clientIP = %q from %q", got, xff)
		}
	})
}
