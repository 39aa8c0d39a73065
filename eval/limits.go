package eval

import (
	"fmt"
	"io"
	"os"
)

// MaxValueBytes bounds the JSON of --at values read from a file or stdin
// (about 3 million numbers), so that --at /dev/zero stops with an error.
const MaxValueBytes = 64 << 20

// readValueBytes reads r whole, or fails past MaxValueBytes.
func readValueBytes(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxValueBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxValueBytes {
		return nil, fmt.Errorf("more than %d bytes of values, the limit", MaxValueBytes)
	}
	return b, nil
}

// readValueFile reads the file at path with readValueBytes.
func readValueFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a file of values", path)
	}
	b, err := readValueBytes(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return b, nil
}
