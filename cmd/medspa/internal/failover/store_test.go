package failover

import (
	"database/sql"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/medspa/engine/persistence/sqlite"
)

func startOnce(t *testing.T, bin, role string, env []string) *exec.Cmd {
	cmd := exec.Command(bin, role)
	cmd.Env = env
	return cmd
}

func (d *database) open(t *testing.T) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	if d.url != "" {
		db, err = sql.Open("pgx", d.url)
	} else {
		db, err = sql.Open("sqlite", filepath.Join(d.dataDir, "store", sqlite.FileName)+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// verify checks the store after the run: every accepted message applied
// once, and each conversation's inbound lines in the order they arrived.
func (d *database) verify(t *testing.T, accepted int) {
	t.Helper()
	db := d.open(t)
	count := func(q string) int {
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM applied_messages WHERE dedup_key LIKE 'telnyx:%'`); n != accepted {
		t.Errorf("%d inbound messages applied, %d accepted", n, accepted)
	}
	if n := count(`SELECT count(*) FROM transcript WHERE direction = 'in'`); n != accepted {
		t.Errorf("%d inbound transcript lines, %d accepted", n, accepted)
	}
	if n := count(`SELECT count(*) FROM outbox`); n != 0 {
		t.Errorf("%d outbox rows never published", n)
	}
	rows, err := db.Query(`SELECT clinic_id, lead_id, at FROM transcript WHERE direction = 'in' ORDER BY clinic_id, lead_id, seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type conv struct{ clinic, lead string }
	last := map[conv]time.Time{}
	disorder := 0
	for rows.Next() {
		var c conv
		var at any
		if err := rows.Scan(&c.clinic, &c.lead, &at); err != nil {
			t.Fatal(err)
		}
		ts := asTime(t, at)
		if prev, ok := last[c]; ok && ts.Before(prev) {
			disorder++
		}
		last[c] = ts
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if disorder > 0 {
		t.Errorf("%d inbound lines stored after a later one of their conversation", disorder)
	}
	if len(last) == 0 {
		t.Error("no conversations stored")
	}
}

func asTime(t *testing.T, v any) time.Time {
	switch x := v.(type) {
	case time.Time:
		return x
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00"} {
			if ts, err := time.Parse(layout, x); err == nil {
				return ts
			}
		}
	case int64:
		return time.UnixMicro(x)
	}
	t.Fatalf("transcript time %T %v", v, v)
	return time.Time{}
}
