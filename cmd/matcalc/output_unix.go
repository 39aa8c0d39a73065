//go:build unix

package main

import (
	"os"
	"syscall"
)

// keepOwner gives name the owner and group of old, where this process may
// (root may; another user keeps the file as its own, as an editor does).
func keepOwner(name string, old os.FileInfo) error {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok || (int(st.Uid) == os.Getuid() && int(st.Gid) == os.Getgid()) {
		return nil
	}
	if err := os.Chown(name, int(st.Uid), int(st.Gid)); err != nil && os.Getuid() == 0 {
		return err
	}
	return nil
}
