//go:build !race

package domain

import "golang.org/x/crypto/bcrypt"

// PasswordCost is bcrypt's work factor for passwords: the library's default, about 60 ms a hash
// on one core here, which is what makes a stolen hash slow to guess.
const PasswordCost = bcrypt.DefaultCost
