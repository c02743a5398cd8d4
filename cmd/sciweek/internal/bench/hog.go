package bench

import (
	"context"
	"os/exec"
	"syscall"
)

// hog keeps one core busy with a process of its own (a shell spinning in a loop), as a
// neighbour on a shared machine would, until stop is called.
func hog(ctx context.Context) (stop func(), err error) {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", "while :; do :; done")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the benchmark
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}, nil
}
