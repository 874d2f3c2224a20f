package chaintest

import (
	"bufio"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// natsPing speaks the NATS client protocol by hand: INFO, CONNECT, PING → PONG.
func natsPing(t *testing.T, port int, user, pass string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 2*time.Second)
	if err != nil {
		return "dial: " + err.Error()
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	info, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(info, "INFO ") {
		return "no INFO: " + info
	}
	conn := `CONNECT {"verbose":false,"pedantic":false`
	if user != "" {
		conn += `,"user":"` + user + `","pass":"` + pass + `"`
	}
	if _, err := c.Write([]byte(conn + "}\r\nPING\r\n")); err != nil {
		return "write: " + err.Error()
	}
	line, _ := r.ReadString('\n')
	return strings.TrimSpace(line)
}

func TestNATSStartKillRestart(t *testing.T) {
	n := StartNATS(t, NATSOptions{Users: []NATSUser{{User: "SH01", Password: "s3cret"}}})
	if got := natsPing(t, n.Port(), "SH01", "s3cret"); got != "PONG" {
		t.Fatalf("ping with the right password: %q", got)
	}
	if got := natsPing(t, n.Port(), "SH01", "wrong"); got == "PONG" {
		t.Fatalf("a wrong password was let in")
	}
	if !strings.Contains(n.Log(), "JetStream") {
		t.Errorf("JetStream did not start:\n%s", n.Log())
	}
	if err := n.Kill(); err != nil {
		t.Fatal(err)
	}
	if got := natsPing(t, n.Port(), "SH01", "s3cret"); got == "PONG" {
		t.Fatalf("answered after kill -9")
	}
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	if got := natsPing(t, n.Port(), "SH01", "s3cret"); got != "PONG" {
		t.Fatalf("ping after restart: %q", got)
	}
}

func psql(t *testing.T, p *Postgres, sql string) (string, error) {
	t.Helper()
	bin := lookBin("psql", p.bin+"/psql")
	if bin == "" {
		t.Skip("psql is not installed")
	}
	out, err := exec.Command(bin, "-X", "-A", "-t", "-h", "127.0.0.1", "-p", strconv.Itoa(p.Port()),
		"-U", "shouhou", "-d", "postgres", "-c", sql).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func TestPostgresKeepsCommittedWorkAcrossKill(t *testing.T) {
	p := StartPostgres(t)
	for _, sql := range []string{
		"CREATE TABLE t (n int PRIMARY KEY)",
		"INSERT INTO t SELECT generate_series(1, 100)",
	} {
		if out, err := psql(t, p, sql); err != nil {
			t.Fatalf("%s: %v\n%s", sql, err, out)
		}
	}
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	if _, err := psql(t, p, "SELECT 1"); err == nil {
		t.Fatal("answered after kill -9")
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	out, err := psql(t, p, "SELECT count(*) FROM t")
	if err != nil || out != "100" {
		t.Fatalf("after crash recovery: %q, %v\n%s", out, err, p.Log())
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
}
