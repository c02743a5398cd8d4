// Package adapters keeps the report back in PostgreSQL (reports, versions, columns, files' records)
// and its files on disk or in S3, reads what a file really is (MP4/MOV, images, documents), and
// asks registration for the featured list.
package adapters

import "github.com/jackc/pgx/v5/pgxpool"

// Store keeps the reports, their versions, columns and files' records, and reads the editions'
// report settings and county names that the statistics' projections keep from registration's
// events (one schema for now: see the service's package doc).
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }
