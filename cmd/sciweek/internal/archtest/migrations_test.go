package archtest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// migrationName is a goose migration's file name: a four-digit version and a snake_case name.
var migrationName = regexp.MustCompile(`^(\d{4})_[a-z0-9_]+\.sql$`)

// TestMigrationFoldersAreInOrder reads every migrations folder of the workspace. goose refuses a
// repeated version only when the service starts (two branches each adding their 0008 merge
// without a conflict, since the names differ), and a gap or a file without its Up section is
// found later still; here they fail a test instead.
func TestMigrationFoldersAreInOrder(t *testing.T) {
	t.Parallel()
	root := workspaceRoot()
	folders := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".sql") && filepath.Base(filepath.Dir(path)) == "migrations" {
			dir, _ := filepath.Rel(root, filepath.Dir(path))
			folders[dir] = append(folders[dir], d.Name())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(folders) < 7 {
		t.Fatalf("found %d migration folders, want the four services' and the shared kits' (7 or more): %v", len(folders), folders)
	}
	for dir, files := range folders {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			for _, p := range migrationProblems(files, func(name string) (string, error) {
				b, err := os.ReadFile(filepath.Join(root, dir, name))
				return string(b), err
			}) {
				t.Error(p)
			}
		})
	}
}

// migrationProblems checks one folder's files (sorted by name, as os.ReadDir gives them):
// names, versions 1, 2, 3… without repeats or gaps, and an Up section in each.
func migrationProblems(files []string, read func(string) (string, error)) []string {
	var problems []string
	want := 1
	for _, name := range files {
		m := migrationName.FindStringSubmatch(name)
		if m == nil {
			problems = append(problems, fmt.Sprintf("%s: not a migration name (0001_snake_case.sql)", name))
			continue
		}
		v, _ := strconv.Atoi(m[1])
		switch {
		case v < want:
			problems = append(problems, fmt.Sprintf("%s: version %d is used twice", name, v))
		case v > want:
			problems = append(problems, fmt.Sprintf("%s: version %d follows %d (a gap)", name, v, want-1))
			want = v + 1
		default:
			want++
		}
		body, err := read(name)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		if !strings.Contains(body, "-- +goose Up") {
			problems = append(problems, name+": has no -- +goose Up section")
		}
	}
	return problems
}

// TestMigrationProblems keeps the checker honest: each fault it is meant to catch, caught.
func TestMigrationProblems(t *testing.T) {
	t.Parallel()
	up := func(string) (string, error) { return "-- +goose Up\nSELECT 1;\n", nil }
	for _, tc := range []struct {
		name  string
		files []string
		read  func(string) (string, error)
		want  []string
	}{
		{name: "in order", files: []string{"0001_a.sql", "0002_b.sql"}, read: up},
		{name: "a version twice", files: []string{"0001_a.sql", "0002_b.sql", "0002_c.sql"}, read: up,
			want: []string{"0002_c.sql: version 2 is used twice"}},
		{name: "a gap", files: []string{"0001_a.sql", "0003_c.sql"}, read: up,
			want: []string{"0003_c.sql: version 3 follows 1 (a gap)"}},
		{name: "a bad name", files: []string{"0001_a.sql", "2_b.sql"}, read: up,
			want: []string{"2_b.sql: not a migration name (0001_snake_case.sql)"}},
		{name: "no Up section", files: []string{"0001_a.sql"}, read: func(string) (string, error) { return "CREATE TABLE t ();", nil },
			want: []string{"0001_a.sql: has no -- +goose Up section"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := migrationProblems(tc.files, tc.read)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
