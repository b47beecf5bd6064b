package failover

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// buildMedspa builds the medspa binary into a temporary directory.
func buildMedspa(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "medspa")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/medspa/engine/cmd/medspa")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build medspa: %v\n%s", err, out)
	}
	return bin
}

// engineProc is one `medspa engine` process; its JSON log goes to a file.
type engineProc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan error
}

func startEngine(t *testing.T, bin, name string, env []string) *engineProc {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "engine")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &engineProc{name: name, cmd: cmd, log: logPath, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait(); _ = f.Close() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-p.done
			t.Errorf("%s did not stop within 30s of SIGTERM", name)
		}
	})
	return p
}

func (p *engineProc) signal(t *testing.T, s syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(s); err != nil {
		t.Fatalf("signal %s to %s: %v", s, p.name, err)
	}
}

// ownership is one "partition ownership changed" log line.
type ownership struct {
	Time  time.Time `json:"time"`
	Msg   string    `json:"msg"`
	Node  string    `json:"node"`
	Owned []int     `json:"owned"`
	Error string    `json:"error"`
	Level string    `json:"level"`
}

// ownerships reads the ownership changes a process logged, oldest first.
func (p *engineProc) ownerships(t *testing.T) []ownership {
	t.Helper()
	f, err := os.Open(p.log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []ownership
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var o ownership
		if json.Unmarshal(sc.Bytes(), &o) == nil && o.Msg == "partition ownership changed" {
			out = append(out, o)
		}
	}
	return out
}

// owned is what the process owned after its last ownership change.
func (p *engineProc) owned(t *testing.T) []int {
	all := p.ownerships(t)
	if len(all) == 0 {
		return nil
	}
	return all[len(all)-1].Owned
}

// waitOwnership waits until the processes' latest ownerships are disjoint,
// cover all partitions and are even shares, and returns them.
func waitOwnership(t *testing.T, procs []*engineProc, partitions int, within time.Duration) map[string][]int {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := map[string][]int{}
		var all []int
		for _, p := range procs {
			got[p.name] = p.owned(t)
			all = append(all, got[p.name]...)
		}
		slices.Sort(all)
		want := make([]int, partitions)
		for i := range want {
			want[i] = i
		}
		even := true
		for _, owned := range got {
			even = even && len(owned) >= partitions/len(procs) && len(owned) <= (partitions+len(procs)-1)/len(procs)
		}
		if slices.Equal(all, want) && even {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("partitions not shared out after %s: %v", within, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func env(kv map[string]string) []string {
	var out []string
	for k, v := range kv {
		out = append(out, fmt.Sprintf("%s=%s", k, v))
	}
	return out
}
