// Package archtest holds the test that keeps the codebase in one shape (ARCHITECTURE.md,
// STYLE.md): it reads every package of the workspace with `go list` and fails when an import
// breaks a rule.
package archtest

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/sciweek/sciweek/"

// patterns are the workspace's modules, as the Makefile lists them.
var patterns = []string{"./pkg/...", "./services/registration/...", "./services/venue/...", "./services/checkin/...", "./services/reporting/...",
	"./services/gateway/...", "./cmd/sciweek/..."}

// known are breaks being worked off, if any: each must exist, so the list only shrinks; a new
// break fails the test.
var known = []string{}

type pkg struct {
	path    string // relative to the module, e.g. services/checkin/internal/ports
	imports []string
}

func workspace(t *testing.T) []pkg {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "..", "..")
	cmd := exec.Command("go", append([]string{"list", "-test", "-f", `{{.ImportPath}} {{join .Imports " "}}`}, patterns...)...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || !strings.HasPrefix(f[0], module) || strings.Contains(f[0], " ") {
			continue
		}
		// -test lists test variants as "p [p.test]" (two fields) and "p.test"; the test variant's
		// imports are the package's plus its tests'.
		path := strings.TrimPrefix(f[0], module)
		rest := f[1:]
		if len(rest) > 0 && strings.HasPrefix(rest[0], "[") {
			rest = rest[1:]
		}
		if strings.HasSuffix(path, ".test") {
			continue
		}
		pkgs = append(pkgs, pkg{path: path, imports: rest})
	}
	if len(pkgs) < 50 {
		t.Fatalf("go list found %d packages; the patterns are wrong", len(pkgs))
	}
	return pkgs
}

// layers are the layers of a service (or of a bounded context inside one).
var layers = []string{"domain", "app", "adapters", "ports"}

// service returns the service a package belongs to, the bounded context inside it ("" when the
// service is one context) and the layer it is in ("" for others, such as a service's root
// package or its convert package): services/reporting/internal/stats/app is reporting, stats, app.
func service(path string) (svc, context, layer string) {
	rest, ok := strings.CutPrefix(path, "services/")
	if !ok {
		return "", "", ""
	}
	parts := strings.Split(rest, "/")
	// An external test package (checkin_test) belongs to the package it tests.
	for i := range parts {
		parts[i] = strings.TrimSuffix(parts[i], "_test")
	}
	svc = parts[0]
	if len(parts) >= 3 && parts[1] == "internal" {
		switch {
		case slices.Contains(layers, parts[2]):
			layer = parts[2]
		case len(parts) >= 4:
			context = parts[2]
			if slices.Contains(layers, parts[3]) {
				layer = parts[3]
			}
		}
	}
	return svc, context, layer
}

// breaks lists every import that breaks a rule.
func breaks(pkgs []pkg) []string {
	var out []string
	broke := func(p pkg, imp string) {
		out = append(out, fmt.Sprintf("%s imports %s", p.path, strings.TrimPrefix(imp, module)))
	}
	for _, p := range pkgs {
		svc, ctx, layer := service(p.path)
		for _, imp := range p.imports {
			isp := strings.TrimPrefix(imp, module)
			isvc, ictx, ilayer := service(isp)
			switch {
			// Two bounded contexts of one service meet only where the service wires them.
			case svc == isvc && ctx != "" && ictx != "" && ctx != ictx:
				broke(p, imp)
			// The domain is rules only: no contract, no database, no transport.
			case layer == "domain" && (strings.HasPrefix(imp, "google.golang.org/protobuf") || strings.HasPrefix(isp, "pkg/gen") ||
				strings.HasPrefix(imp, "github.com/jackc/pgx") || strings.HasPrefix(imp, "google.golang.org/grpc") || strings.HasPrefix(imp, "github.com/nats-io")):
				broke(p, imp)
			// The app depends on interfaces the adapters implement, never on them or on a driver.
			case layer == "app" && (ilayer == "adapters" || strings.HasPrefix(imp, "github.com/jackc/pgx") || strings.HasPrefix(imp, "github.com/nats-io")):
				broke(p, imp)
			// Ports decode, call the app and encode: no adapters, no database.
			case layer == "ports" && (ilayer == "adapters" || strings.HasPrefix(imp, "github.com/jackc/pgx")):
				broke(p, imp)
			// A service talks to another through its contract only.
			case svc != "" && isvc != "" && isvc != svc:
				broke(p, imp)
			// Nothing outside a service reaches into its internals.
			case isvc != "" && svc != isvc && strings.Contains(isp, "/internal/"):
				broke(p, imp)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestTheCodebaseKeepsItsShape(t *testing.T) {
	t.Parallel()
	got := breaks(workspace(t))
	for _, b := range got {
		if !slices.Contains(known, b) {
			t.Errorf("%s: breaks the architecture (domain: rules only; app: interfaces only; ports: no adapters or database; services only through their contracts)", b)
		}
	}
	for _, k := range known {
		if !slices.Contains(got, k) {
			t.Errorf("%q is fixed: take it off the list of known breaks", k)
		}
	}
}

// TestTheRulesCatchBreaks feeds the rules made-up packages, one break each, and one that keeps
// them all.
func TestTheRulesCatchBreaks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		p      pkg
		breaks bool
	}{
		{"domain importing the contract", pkg{"services/checkin/internal/domain", []string{module + "pkg/gen/sciweek/checkin/v1"}}, true},
		{"domain importing pgx", pkg{"services/venue/internal/domain", []string{"github.com/jackc/pgx/v5"}}, true},
		{"domain importing grpc", pkg{"services/venue/internal/domain", []string{"google.golang.org/grpc"}}, true},
		{"app importing an adapter", pkg{"services/venue/internal/app", []string{module + "services/venue/internal/adapters"}}, true},
		{"port importing an adapter", pkg{"services/checkin/internal/ports", []string{module + "services/checkin/internal/adapters"}}, true},
		{"port importing pgx", pkg{"services/checkin/internal/ports", []string{"github.com/jackc/pgx/v5"}}, true},
		{"one service importing another", pkg{"services/reporting/internal/stats/adapters", []string{module + "services/checkin/internal/domain"}}, true},
		{"the binary importing an internal package", pkg{"cmd/sciweek", []string{module + "services/checkin/internal/app"}}, true},
		{"a port as it should be", pkg{"services/checkin/internal/ports", []string{module + "services/checkin/internal/app", module + "pkg/gen/sciweek/checkin/v1",
			module + "services/checkin/internal/convert", "context"}}, false},
		{"the binary wiring a service", pkg{"cmd/sciweek", []string{module + "services/checkin"}}, false},
		{"a service's own external tests", pkg{"services/checkin_test", []string{module + "services/checkin", module + "services/checkin/internal/adapters"}}, false},
		{"a context's port importing its adapter", pkg{"services/reporting/internal/stats/ports", []string{module + "services/reporting/internal/stats/adapters"}}, true},
		{"one context importing another", pkg{"services/reporting/internal/reportback/app", []string{module + "services/reporting/internal/stats/app"}}, true},
		{"the service wiring its two contexts", pkg{"services/reporting", []string{module + "services/reporting/internal/stats/app",
			module + "services/reporting/internal/reportback/app"}}, false},
		{"a domain's external tests importing pgx", pkg{"services/checkin/internal/domain_test", []string{"github.com/jackc/pgx/v5"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := breaks([]pkg{tc.p}); (len(got) > 0) != tc.breaks {
				t.Fatalf("breaks = %v, want a break: %v", got, tc.breaks)
			}
		})
	}
}

// tableReference finds SQL that names a service's schema: "FROM checkin.checkin_records".
var tableReference = regexp.MustCompile(`(?i)\b(from|into|update|join|table|truncate)\s+(registration|venue|checkin|reporting)\.[a-z_]+`)

// foreignTables returns the string literals in the Go source under dir (tests and generated
// code aside) that name a table of a service other than own ("" for code outside services).
func foreignTables(t *testing.T, dir, own string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "gen") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				for _, m := range tableReference.FindAllStringSubmatch(lit.Value, -1) {
					if m[2] != own {
						out = append(out, fmt.Sprintf("%s: %s", path, m[0]))
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNoOneTouchesAnotherServicesTables keeps each schema its service's own: no code outside a
// service (the binary, the benchmark, the gateway, the shared packages) and no other service
// names its tables in SQL. Whole-system tests may read the system of record to audit it.
func TestNoOneTouchesAnotherServicesTables(t *testing.T) {
	t.Parallel()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "..", "..")
	var found []string
	for _, dir := range []string{"cmd", "pkg", "services/gateway"} {
		found = append(found, foreignTables(t, filepath.Join(root, dir), "")...)
	}
	for _, svc := range []string{"registration", "venue", "checkin", "reporting"} {
		found = append(found, foreignTables(t, filepath.Join(root, "services", svc), svc)...)
	}
	for _, f := range found {
		t.Errorf("%s: names another service's table; go through its API", f)
	}
	if !tableReference.MatchString("SELECT count(*) FROM checkin.checkin_records") || tableReference.MatchString("FROM checkin_records") {
		t.Fatal("the table pattern no longer recognises a schema-qualified table")
	}
}
