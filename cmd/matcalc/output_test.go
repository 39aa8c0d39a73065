//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/cobra"
)

func writeTo(t *testing.T, path, text string) error {
	t.Helper()
	return writeOutput(&cobra.Command{}, path, []byte(text))
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOutputRegularFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.txt")
	if err := writeTo(t, p, "new\n"); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", st.Mode().Perm())
	}
	if err := os.Chmod(p, 0o640); err != nil {
		t.Fatal(err)
	}
	if os.Getuid() == 0 {
		if err := os.Chown(p, 1234, 5678); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeTo(t, p, "replaced\n"); err != nil {
		t.Fatal(err)
	}
	if got := readText(t, p); got != "replaced\n" {
		t.Errorf("content %q", got)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640 kept", st.Mode().Perm())
	}
	if os.Getuid() == 0 {
		if s := st.Sys().(*syscall.Stat_t); s.Uid != 1234 || s.Gid != 5678 {
			t.Errorf("owner %d:%d, want 1234:5678 kept", s.Uid, s.Gid)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("%d files in the folder, want 1 (no temporary left)", len(ents))
	}
}

func TestOutputReadOnlyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ro.txt")
	if err := os.WriteFile(p, []byte("keep\n"), 0o444); err != nil {
		t.Fatal(err)
	}
	err := writeTo(t, p, "clobber\n")
	if err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("got %v, want a read-only error", err)
	}
	if got := readText(t, p); got != "keep\n" {
		t.Errorf("read-only file changed to %q", got)
	}
}

func TestOutputSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.txt")
	if err := os.WriteFile(target, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink("target.txt", link); err != nil {
		t.Fatal(err)
	}
	if err := writeTo(t, link, "via link\n"); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Lstat(link); st.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if got := readText(t, target); got != "via link\n" {
		t.Errorf("target holds %q", got)
	}
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o600 {
		t.Errorf("target mode %v, want 0600 kept", st.Mode().Perm())
	}
}

func TestOutputDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(filepath.Join(dir, "sub", "..", "made.txt"), link); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeTo(t, link, "created\n"); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Lstat(link); st.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if got := readText(t, filepath.Join(dir, "made.txt")); got != "created\n" {
		t.Errorf("target holds %q", got)
	}
}

func TestOutputDirectory(t *testing.T) {
	dir := t.TempDir()
	err := writeTo(t, dir, "x\n")
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("got %v, want an is-a-directory error", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("%d files left in the directory", len(ents))
	}
}

func TestOutputFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(p)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		var b bytes.Buffer
		b.ReadFrom(f)
		got <- b.String()
	}()
	if err := writeTo(t, p, "through the pipe\n"); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe\n" {
		t.Errorf("reader got %q", s)
	}
	if st, _ := os.Lstat(p); st.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the FIFO was replaced by a file")
	}
}

func TestOutputDevice(t *testing.T) {
	st, err := os.Stat(os.DevNull)
	if err != nil || st.Mode()&os.ModeDevice == 0 {
		t.Skip("no device at", os.DevNull)
	}
	if err := writeTo(t, os.DevNull, "gone\n"); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(os.DevNull); st.Mode()&os.ModeDevice == 0 {
		t.Fatalf("%s is no longer a device", os.DevNull)
	}
}

func TestReadLimited(t *testing.T) {
	if _, err := readLimited(strings.NewReader(strings.Repeat("x", 11)), "stdin", 10); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("got %v", err)
	}
	if b, err := readLimited(strings.NewReader("0123456789"), "stdin", 10); err != nil || len(b) != 10 {
		t.Errorf("got %d bytes, %v", len(b), err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := readFileLimited("/dev/zero", 1<<16); err == nil || !strings.Contains(err.Error(), "too large") {
			t.Errorf("/dev/zero: got %v", err)
		}
	}
}
