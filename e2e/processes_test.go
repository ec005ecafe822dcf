package e2e

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The processes the cycle starts: moto on a free port, and the search for any
// process of the run that outlives it.

// runID returns a value unique to this run, for runEnvVar.
func runID(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// marked lists the PIDs of live processes whose environment holds
// runEnvVar=id, with their command lines.
func marked(id string) map[int]string {
	want := []byte(runEnvVar + "=" + id)
	out := map[int]string{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !bytes.Contains(env, want) {
			continue
		}
		for _, kv := range bytes.Split(env, []byte{0}) {
			if !bytes.Equal(kv, want) {
				continue
			}
			cmd, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			if stat := procState(pid); stat == "Z" {
				break // a zombie holds nothing
			}
			out[pid] = strings.TrimSpace(string(bytes.ReplaceAll(cmd, []byte{0}, []byte{' '})))
			break
		}
	}
	return out
}

// procState is the one-letter state of pid from /proc/PID/status.
func procState(pid int) string {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "State:"); ok {
			return strings.Fields(v)[0]
		}
	}
	return ""
}

// reapLeftovers registers a cleanup that waits briefly for every process
// marked with id to end, then stops what is left by PID and fails the test
// naming each one: the cycle must leave nothing running.
func reapLeftovers(t *testing.T, id string) {
	t.Helper()
	t.Cleanup(func() {
		deadline := time.Now().Add(15 * time.Second)
		left := marked(id)
		for len(left) > 0 && time.Now().Before(deadline) {
			time.Sleep(500 * time.Millisecond)
			left = marked(id)
		}
		for pid, cmd := range left {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("process %d outlived the cycle and was killed: %s", pid, cmd)
		}
	})
}

// requireMotoVersion fails unless python's moto is motoVersion, the
// release the emulator gaps were measured with.
func requireMotoVersion(t *testing.T, python string) {
	t.Helper()
	out, err := exec.Command(python, "-c", "import moto; print(moto.__version__)").Output()
	if err != nil {
		t.Fatalf("read moto's version: %v", err)
	}
	if v := strings.TrimSpace(string(out)); v != motoVersion {
		t.Fatalf("moto is %s; the emulator gaps the cycle excuses (motoGaps) were measured with moto %s: check each again, then update motoVersion", v, motoVersion)
	}
}

// moto is a running moto server.
type moto struct {
	url string
	// recording is the file moto's recorder appends every request to, one
	// JSON object a line (MOTO_ENABLE_RECORDING).
	recording string
}

// startMoto starts moto on 127.0.0.1 and a free port, marked with id, and
// stops its process group by PID when the test ends, whatever happens.
func startMoto(t *testing.T, python, id string) *moto {
	t.Helper()
	port := freePort(t)
	dir := t.TempDir()
	logPath, recording := filepath.Join(dir, "moto.log"), filepath.Join(dir, "recording.jsonl")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port)) //nolint:gosec // python3 from PATH, fixed arguments
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = append(os.Environ(), runEnvVar+"="+id, "MOTO_ENABLE_RECORDING=true", "MOTO_RECORDER_FILEPATH="+recording)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		t.Fatalf("start moto: %v", err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		_ = syscall.Kill(-pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-exited
		}
		_ = logFile.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logPath); err == nil {
				t.Logf("moto log (last lines):\n%s", lastLines(string(b), 30))
			}
		}
	})

	m := &moto{url: "http://127.0.0.1:" + strconv.Itoa(port), recording: recording}
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			b, _ := os.ReadFile(logPath)
			t.Fatalf("moto exited before it answered: %v\n%s", waitErr, lastLines(string(b), 20))
		default:
		}
		resp, err := client.Get(m.url + "/moto-api/")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Logf("moto %s (pid %d) is up", m.url, pid)
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto did not answer on %s within 30s: %v", m.url, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer func() { _ = l.Close() }()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v is not TCP", l.Addr())
	}
	return addr.Port
}
