package storm

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/medspa/engine/persistence/pgtest"
)

// TestCrashStorm builds medspa, plays a storm of 200 signed texts from 40
// leads against it as a child process, kills it with SIGKILL after half
// the replies and starts it again on the same data: no reply may be lost
// or sent twice, on either store. `medspa storm --crash 10` runs ten.
func TestCrashStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the engine and kills it mid-storm")
	}
	bin := filepath.Join(t.TempDir(), "medspa")
	build := exec.Command("go", "build", "-o", bin, "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build medspa: %v\n%s", err, out)
	}
	for _, store := range []string{"embedded", "postgres"} {
		t.Run(store, func(t *testing.T) {
			opt := CrashOptions{Binary: bin, Runs: 1, InDoubtWait: 10 * time.Second, Stderr: tlog{t}}
			if store == "postgres" {
				opt.DatabaseURL = pgtest.BaseURL(t)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			res, err := Crash(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			r := res[0]
			if r.Kills != 1 || r.Lost != 0 || r.Duplicate != 0 || r.Accepted != 200 {
				t.Errorf("crash storm: %+v; want 200 accepted, 1 kill, 0 lost, 0 duplicated", r)
			}
		})
	}
}

// tlog writes the engine's output of a failed run to the test log.
type tlog struct{ t *testing.T }

func (l tlog) Write(p []byte) (int, error) {
	l.t.Log(string(p))
	return len(p), nil
}
