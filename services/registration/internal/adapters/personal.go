package adapters

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/services/registration/internal/domain"
)

// phoneHashPurpose is the signing_keys row that held the phone hash's key before the key was
// moved out of the database.
const phoneHashPurpose = "phone-hash"

// RekeyPhones is the one-off move of the phone hash's key out of the database. If the old key
// is still stored, every kept phone hash is recomputed with key: the number is found again
// from its masked form (seven digits shown) and the old hash among its 10⁴ candidates (the
// very weakness that moving the key removes), and the old key is deleted, all in one
// transaction. It returns how many hashes were recomputed; with no old key it does nothing.
func (s *Store) RekeyPhones(ctx context.Context, key []byte) (int, error) {
	n := 0
	err := s.tx(ctx, "re-key phone hashes", func(tx pgx.Tx) error {
		var seed []byte
		err := tx.QueryRow(ctx, `SELECT private_key FROM signing_keys WHERE purpose = $1 FOR UPDATE`, phoneHashPurpose).Scan(&seed)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(seed) != ed25519.SeedSize {
			return fmt.Errorf("the stored phone hash key is corrupt")
		}
		type row struct {
			id     uuid.UUID
			masked string
			hash   []byte
		}
		rows, _ := tx.Query(ctx, `SELECT id, phone_masked, phone_hash FROM signups WHERE phone_hash IS NOT NULL`)
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var x row
			return x, r.Scan(&x.id, &x.masked, &x.hash)
		})
		if err != nil {
			return err
		}
		old := hmac.New(sha256.New, seed)
		for _, r := range list {
			phone, ok := recoverPhone(old, r.masked, r.hash)
			var fresh []byte
			if ok {
				fresh = domain.PhoneHash(key, phone)
			}
			// A hash that matches no number (a damaged row) is dropped: it could only ever
			// have matched under the old key.
			if _, err := tx.Exec(ctx, `UPDATE signups SET phone_hash = $2 WHERE id = $1`, r.id, fresh); err != nil {
				return err
			}
			n++
		}
		_, err = tx.Exec(ctx, `DELETE FROM signing_keys WHERE purpose = $1`, phoneHashPurpose)
		return err
	})
	return n, err
}

// recoverPhone finds the number behind a masked phone (138****8001) whose hash under the old
// key is hash.
func recoverPhone(old hash.Hash, masked string, sum []byte) (string, bool) {
	if len(masked) != 11 || masked[3:7] != "****" {
		return "", false
	}
	b := []byte(masked)
	for i := range 10000 {
		b[3], b[4], b[5], b[6] = byte('0'+i/1000), byte('0'+i/100%10), byte('0'+i/10%10), byte('0'+i%10)
		old.Reset()
		_, _ = old.Write(b)
		if hmac.Equal(old.Sum(nil), sum) {
			return string(b), true
		}
	}
	return "", false
}

// ErasePersonalData erases the names, masked phones and phone hashes of an edition's sign-ups,
// keeping the rows (every count stays), marks the edition erased at at, and commits its
// EditionChanged event, which consumers and the audit trail see. It returns how many sign-ups
// lost personal data and the edition as stored.
func (s *Store) ErasePersonalData(ctx context.Context, edition string, at time.Time, event func(domain.Edition) domain.EditionChanged) (int, domain.Edition, error) {
	var (
		n int64
		e domain.Edition
	)
	err := s.tx(ctx, "erase personal data", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE signups SET name = '', phone_masked = '', phone_hash = NULL, updated_at = $2
			WHERE edition_id = $1 AND (name <> '' OR phone_masked <> '' OR phone_hash IS NOT NULL)`, edition, at)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		if _, err := tx.Exec(ctx, `UPDATE editions SET personal_data_erased_at = $2 WHERE id = $1`, edition, at); err != nil {
			return err
		}
		if e, err = scanEdition(tx.QueryRow(ctx, `SELECT `+editionColumns+` FROM editions WHERE id = $1`, edition)); err != nil {
			return err
		}
		if err := s.counties(ctx, tx, &e); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, editionChangedEvent(event(e)))
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, domain.Edition{}, domain.ErrEditionNotFound.New("id", edition)
	}
	return int(n), e, db.Unavailable(err, "erase personal data")
}
