package ticket

import (
	"crypto/sha256"

	"github.com/google/uuid"
)

// CodeLength is the number of characters of a ticket's short code.
const CodeLength = 8

// codeAlphabet is Crockford's base32: no I, L, O or U, so a code read out or typed from a
// printout is not misread (a door reads O as 0, I and L as 1).
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

const codeDomain = "sciweek-ticket-code-v1"

// ShortCode is the code a person can read out or type at a door when the QR code cannot be
// scanned (a cracked screen, a printout in the rain): eight characters of Crockford base32 from a
// hash of the ticket's id, shown as two groups of four ("K7Q2 M9XD"). It proves nothing by
// itself: a door resolves it to the signed payload it synced for its venue and judges that. 40
// bits keep two tickets of one venue from sharing a code (about one chance in 10⁵ at 5,000
// tickets); a door that meets a shared code asks for the QR code instead. The door app computes
// the same code (web/door/src/code.ts) to name tickets in its warnings.
func ShortCode(id uuid.UUID) string {
	sum := sha256.Sum256(append([]byte(codeDomain), id[:]...))
	// 40 bits, five at a time, most significant first.
	v := uint64(sum[0])<<32 | uint64(sum[1])<<24 | uint64(sum[2])<<16 | uint64(sum[3])<<8 | uint64(sum[4])
	var b [CodeLength]byte
	for i := CodeLength - 1; i >= 0; i-- {
		b[i] = codeAlphabet[v&31]
		v >>= 5
	}
	return string(b[:])
}
