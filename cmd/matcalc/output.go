package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// writeOutput writes b to the -o file, or to the command's stdout for "" and
// "-". What it does depends on what the path names:
//
//   - nothing: a new regular file, written whole or not at all (a temporary
//     file in the same folder renamed into place);
//   - a regular file: replaced the same way, keeping its mode and owner; a
//     read-only file is refused;
//   - a symbolic link, even a dangling one: followed, and its final target
//     written as above (the link stays a link);
//   - a device or a named pipe (/dev/null, /dev/stdout, a FIFO): written
//     through, as a shell redirection does; never replaced by a file;
//   - a directory or a socket: refused.
func writeOutput(cmd *cobra.Command, path string, b []byte) error {
	if path == "" || path == "-" {
		_, err := cmd.OutOrStdout().Write(b)
		return err
	}
	target, err := followLinks(path)
	if err != nil {
		return fmt.Errorf("-o %s: %v", path, err)
	}
	st, err := os.Stat(target)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return replaceFile(path, target, nil, b)
	case err != nil:
		return fmt.Errorf("-o %s: %v", path, err)
	}
	m := st.Mode()
	switch {
	case m.IsDir():
		return fmt.Errorf("-o %s: is a directory; give a file name", path)
	case m&os.ModeSocket != 0:
		return fmt.Errorf("-o %s: is a socket; give a file name", path)
	case m&(os.ModeDevice|os.ModeCharDevice|os.ModeNamedPipe) != 0:
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("-o %s: %v", path, err)
		}
		_, werr := f.Write(b)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("-o %s: %v", path, werr)
		}
		return nil
	case !m.IsRegular():
		return fmt.Errorf("-o %s: not a regular file (%v); give a file name", path, m.Type())
	}
	if m.Perm()&0o222 == 0 {
		return fmt.Errorf("-o %s: the file is read-only; make it writable or choose another name", path)
	}
	// Opening for writing (without truncating) asks the system whether
	// this user may write the file, as a non-root user's chmod a-w does.
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("-o %s: %v", path, err)
	}
	f.Close()
	return replaceFile(path, target, st, b)
}

// followLinks returns the final target of path when it is a symbolic link
// (a chain of at most 40, as Linux allows), or path itself.
func followLinks(path string) (string, error) {
	for hops := 0; ; hops++ {
		st, err := os.Lstat(path)
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		if hops == 40 {
			return "", errors.New("too many levels of symbolic links")
		}
		to, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(path), to)
		}
		path = to
	}
}

// replaceFile writes b to a temporary file beside target and renames it
// over target, with the mode and owner of old (the file replaced), or mode
// 0644 for a new file. path is the name the user gave, for messages.
func replaceFile(path, target string, old os.FileInfo, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp*")
	if err != nil {
		return fmt.Errorf("-o %s: %v", path, err)
	}
	name := tmp.Name()
	_, werr := io.Copy(tmp, bytes.NewReader(b))
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		if old != nil {
			werr = os.Chmod(name, old.Mode().Perm())
			if werr == nil {
				werr = keepOwner(name, old)
			}
		} else {
			werr = os.Chmod(name, 0o644)
		}
	}
	if werr == nil {
		werr = os.Rename(name, target)
	}
	if werr != nil {
		os.Remove(name)
		return fmt.Errorf("-o %s: %v", path, werr)
	}
	return nil
}

// readLimited reads r whole, or fails once it holds more than limit bytes
// (-f /dev/zero, a formula piped from a runaway command).
func readLimited(r io.Reader, what string, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", what, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: input too large: more than %d bytes, the limit", what, limit)
	}
	return b, nil
}

// readFileLimited reads the file at path with readLimited.
func readFileLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a formula file", path)
	}
	return readLimited(f, path, limit)
}
