// Package migrations embeds the check-in service's schema migrations.
package migrations

import "embed"

// FS holds the NNNN_name.sql migrations.
//
//go:embed *.sql
var FS embed.FS
