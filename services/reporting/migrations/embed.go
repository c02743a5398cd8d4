// Package migrations embeds the reporting service's schema migrations.
package migrations

import "embed"

// FS holds the NNNN_name.sql migrations.
//
//go:embed *.sql
var FS embed.FS
