package migrations

import "testing"

func TestLoad(t *testing.T) {
	for name, load := range map[string]func() ([]Migration, error){"postgres": Postgres, "sqlite": SQLite} {
		ms, err := load()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(ms) == 0 {
			t.Fatalf("%s: no migrations", name)
		}
		for i, m := range ms {
			if m.SQL == "" {
				t.Errorf("%s: %s is empty", name, m.Name)
			}
			if i > 0 && ms[i-1].Version >= m.Version {
				t.Errorf("%s: %s out of order", name, m.Name)
			}
		}
	}
}

func TestParseVersion(t *testing.T) {
	for name, want := range map[string]int{"0001_init.sql": 1, "0042_x_y.sql": 42} {
		got, err := parseVersion(name)
		if err != nil || got != want {
			t.Errorf("parseVersion(%q) = %d, %v; want %d", name, got, err, want)
		}
	}
	for _, bad := range []string{"init.sql", "x_init.sql", "0000_zero.sql", "-1_neg.sql"} {
		if _, err := parseVersion(bad); err == nil {
			t.Errorf("parseVersion(%q) succeeded", bad)
		}
	}
}

func TestPending(t *testing.T) {
	all := []Migration{{Version: 1}, {Version: 2}, {Version: 3}}
	got := Pending(all, map[int]bool{1: true, 3: true})
	if len(got) != 1 || got[0].Version != 2 {
		t.Fatalf("Pending = %+v, want version 2 only", got)
	}
}
