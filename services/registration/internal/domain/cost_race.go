//go:build race

package domain

import "golang.org/x/crypto/bcrypt"

// PasswordCost under the race detector is bcrypt's least: the detector slows bcrypt about tenfold,
// and the test suite (always run with -race) signs in hundreds of times at once on two cores, so
// at the real cost sign-ins outlived the servers' 5 s bound. Binaries are never built with -race,
// and known and unknown names still cost the same (the dummy hash uses this cost too).
const PasswordCost = bcrypt.MinCost
