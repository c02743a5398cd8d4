package archtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sciweek/sciweek/pkg/errs"
)

// reason is one errs.Reason declared in the workspace, as its source says.
type reason struct {
	errs.Reason
	pos  string // file:line
	dir  string // the package's folder, relative to the root
	name string // the package variable it is declared as; "" for a literal elsewhere
}

// call is a reason raised somewhere: R.New(args…) or R.Wrap(cause, args…).
type call struct {
	pos       string
	dir, name string // the reason's package folder and variable
	keys      []string
	badKey    string // a key that is not a string literal
}

// catalogue reads every Go file of the workspace (generated code aside) and returns its reasons
// and the calls that raise them.
func catalogue(t *testing.T, root string) ([]reason, []call, []string) {
	t.Helper()
	var reasons []reason
	var calls []call
	var problems []string
	plain := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", ".git", "gen", "testdata", "third_party", "tools", "web", "bin", ".data":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(rel))
		// Which import names stand for which package folders of the workspace.
		imports := map[string]string{}
		errsName := ""
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			rest, ok := strings.CutPrefix(p, module)
			if !ok {
				continue
			}
			name := filepath.Base(rest)
			if imp.Name != nil {
				name = imp.Name.Name
			}
			imports[name] = rest
			if rest == "pkg/errs" {
				errsName = name
			}
		}
		inErrs := dir == "pkg/errs" && f.Name.Name == "errs"
		statusName := ""
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "google.golang.org/grpc/status" {
				statusName = "status"
				if imp.Name != nil {
					statusName = imp.Name.Name
				}
			}
		}
		isTest := strings.HasSuffix(path, "_test.go")
		isReasonType := func(e ast.Expr) bool {
			switch x := e.(type) {
			case *ast.SelectorExpr:
				id, ok := x.X.(*ast.Ident)
				return ok && errsName != "" && id.Name == errsName && x.Sel.Name == "Reason"
			case *ast.Ident:
				return inErrs && x.Name == "Reason"
			}
			return false
		}
		// Package variables declared as reasons.
		declared := map[*ast.CompositeLit]string{}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, v := range vs.Values {
					if cl, ok := v.(*ast.CompositeLit); ok && i < len(vs.Names) {
						declared[cl] = vs.Names[i].Name
					}
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				if x.Type == nil || !isReasonType(x.Type) {
					return true
				}
				r := reason{pos: fset.Position(x.Pos()).String(), dir: dir, name: declared[x]}
				if r.name == "" && strings.HasSuffix(path, "_test.go") {
					return true // a test's table of made-up reasons, good and bad
				}
				for _, el := range x.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						problems = append(problems, r.pos+": write a reason with field names")
						continue
					}
					key := kv.Key.(*ast.Ident).Name
					if key == "Kind" {
						continue
					}
					s, ok := stringValue(kv.Value)
					if !ok {
						problems = append(problems, fmt.Sprintf("%s: the reason's %s must be a literal string, so this test can read it", r.pos, key))
					}
					switch key {
					case "Code":
						r.Code = s
					case "English":
						r.English = s
					case "Chinese":
						r.Chinese = s
					}
				}
				reasons = append(reasons, r)
			case *ast.CallExpr:
				sel, ok := x.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				// An error a person may see is raised from a reason: not errs.E or errs.Wrap, not a
				// gRPC status made by hand (pkg/rpc makes them all).
				if id, ok := sel.X.(*ast.Ident); ok && !isTest {
					switch {
					case errsName != "" && id.Name == errsName && (sel.Sel.Name == "E" || sel.Sel.Name == "Wrap"):
						plain[dir] = append(plain[dir], fmt.Sprintf("%s: errs.%s makes an error without a reason; raise an errs.Reason", fset.Position(x.Pos()), sel.Sel.Name))
					case statusName != "" && id.Name == statusName && dir != "pkg/rpc" && slices.Contains([]string{"Error", "Errorf", "New", "Newf"}, sel.Sel.Name):
						plain[dir] = append(plain[dir], fmt.Sprintf("%s: status.%s makes an error without a reason; raise an errs.Reason and let pkg/rpc map it", fset.Position(x.Pos()), sel.Sel.Name))
					}
				}
				if sel.Sel.Name != "New" && sel.Sel.Name != "Wrap" {
					return true
				}
				c := call{pos: fset.Position(x.Pos()).String()}
				switch recv := sel.X.(type) {
				case *ast.Ident: // a reason of this package
					c.dir, c.name = dir, recv.Name
				case *ast.SelectorExpr: // pkg.Reason
					id, ok := recv.X.(*ast.Ident)
					if !ok || imports[id.Name] == "" {
						return true
					}
					c.dir, c.name = imports[id.Name], recv.Sel.Name
				default:
					return true
				}
				args := x.Args
				if sel.Sel.Name == "Wrap" {
					if len(args) == 0 {
						return true
					}
					args = args[1:]
				}
				for i := 0; i < len(args); i += 2 {
					k, ok := stringValue(args[i])
					if !ok {
						c.badKey = fmt.Sprintf("argument %d", i+1)
						break
					}
					c.keys = append(c.keys, k)
				}
				calls = append(calls, c)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, ps := range plain {
		problems = append(problems, ps...)
	}
	return reasons, calls, problems
}

// stringValue reads a literal string, or a sum of them.
func stringValue(e ast.Expr) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(x.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return "", false
		}
		a, ok1 := stringValue(x.X)
		b, ok2 := stringValue(x.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return stringValue(x.X)
	}
	return "", false
}

func workspaceRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "..")
}

// TestEveryReasonHasChineseText reads every errs.Reason of the workspace: each has a code of
// google.rpc.ErrorInfo's form, unique in the system, an English message and a Chinese one;
// and every place that raises a reason names each argument its messages use. A reason with no
// Chinese text fails here.
func TestEveryReasonHasChineseText(t *testing.T) {
	t.Parallel()
	reasons, raised, problems := catalogueProblems(t, workspaceRoot())
	if reasons < 20 || raised < 10 {
		t.Fatalf("found %d reasons raised in %d places; the walk is wrong", reasons, raised)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// TestTheCatalogueCatchesMistakes runs the catalogue over a made-up package with one mistake of
// each kind.
func TestTheCatalogueCatchesMistakes(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "services", "x", "internal", "domain")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := `package domain

import "github.com/sciweek/sciweek/pkg/errs"

var (
	ErrGood     = errs.Reason{Code: "X_GOOD", Kind: errs.Invalid, English: "{value} is bad", Chinese: "“{value}”不对"}
	ErrEnglish  = errs.Reason{Code: "X_ENGLISH", Kind: errs.Invalid, English: "bad", Chinese: "bad"}
	ErrNoZh     = errs.Reason{Code: "X_NO_ZH", Kind: errs.Invalid, English: "bad"}
	ErrTwice    = errs.Reason{Code: "X_GOOD", Kind: errs.Invalid, English: "bad", Chinese: "不对"}
	ErrBadCode  = errs.Reason{Code: "x-bad", Kind: errs.Invalid, English: "bad", Chinese: "不对"}
)

func f(k string) error {
	if k == "" {
		return ErrGood.New()
	}
	if k == "plain" {
		return errs.E(errs.Invalid, "no reason")
	}
	return ErrGood.New(k, "x")
}
`
	if err := os.WriteFile(filepath.Join(dir, "reasons.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, problems := catalogueProblems(t, filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(dir)))))
	text := strings.Join(problems, "\n")
	for _, want := range []string{"X_ENGLISH: no Chinese message", "X_NO_ZH: no Chinese message", "code X_GOOD is declared at",
		`code "x-bad" is not UPPER_SNAKE_CASE`, `raises X_GOOD without its argument "value"`, "argument 1 must be a literal name",
		"errs.E makes an error without a reason"} {
		if !strings.Contains(text, want) {
			t.Errorf("the catalogue missed %q; it said:\n%s", want, text)
		}
	}
}

// catalogueProblems checks the reasons under root and the places that raise them.
func catalogueProblems(t *testing.T, root string) (reasons, raised int, problems []string) {
	t.Helper()
	all, calls, problems := catalogue(t, root)
	codes := map[string]string{}
	byVar := map[string]reason{}
	for _, r := range append(all, generals()...) {
		for _, p := range r.Check() {
			problems = append(problems, r.pos+": "+p)
		}
		if first, dup := codes[r.Code]; dup {
			problems = append(problems, fmt.Sprintf("%s: code %s is declared at %s already", r.pos, r.Code, first))
		}
		codes[r.Code] = r.pos
		if r.name != "" {
			byVar[r.dir+"."+r.name] = r
		}
	}
	for _, c := range calls {
		r, ok := byVar[c.dir+"."+c.name]
		if !ok {
			continue // not a reason: some other New or Wrap
		}
		raised++
		if c.badKey != "" {
			problems = append(problems, fmt.Sprintf("%s: %s.%s's %s must be a literal name", c.pos, c.dir, c.name, c.badKey))
			continue
		}
		for _, p := range append(errs.Placeholders(r.English), errs.Placeholders(r.Chinese)...) {
			if !slices.Contains(c.keys, p) {
				problems = append(problems, fmt.Sprintf("%s: raises %s without its argument %q", c.pos, r.Code, p))
			}
		}
	}
	slices.Sort(problems)
	return len(all), raised, slices.Compact(problems)
}

func generals() []reason {
	var out []reason
	for _, g := range errs.Generals() {
		out = append(out, reason{Reason: g, pos: "pkg/errs (general reason)"})
	}
	return out
}
