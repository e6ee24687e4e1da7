package main

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	_ "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// The guest's enums carry their names as constant data (staticEnums), not
// protoc-gen-go's maps: every value must have the name protobuf-go's String
// gives it, in every enum of the ABI's packages.
func TestGuestEnumNamesAreTheHosts(t *testing.T) {
	dirs := map[string]map[string][]string{} // dir -> Go type name -> names by number
	enums := 0
	protoregistry.GlobalTypes.RangeEnums(func(et protoreflect.EnumType) bool {
		ed := et.Descriptor()
		pkg := string(ed.ParentFile().Package())
		if !strings.HasPrefix(pkg, "connectorhost.") {
			return true
		}
		dir := filepath.Join(wasmbuild.ModuleRoot(), "gen", filepath.FromSlash(strings.ReplaceAll(pkg, ".", "/")))
		if dirs[dir] == nil {
			dirs[dir] = guestEnumNames(t, dir)
		}
		name := strings.TrimPrefix(string(ed.FullName()), pkg+".")
		goName := strings.ReplaceAll(name, ".", "_")
		got, ok := dirs[dir][goName]
		if !ok {
			t.Errorf("%s: no _%s_names in %s's lite files", ed.FullName(), goName, dir)
			return true
		}
		enums++
		vals := ed.Values()
		if len(got) != vals.Len() {
			t.Errorf("%s: guest has %d names, host %d values", ed.FullName(), len(got), vals.Len())
		}
		for n, g := range got {
			v := vals.ByNumber(protoreflect.EnumNumber(n))
			if v == nil || string(v.Name()) != g {
				t.Errorf("%s: guest names %d %q, host %v", ed.FullName(), n, g, v)
			}
		}
		return true
	})
	if enums == 0 {
		t.Fatal("no connectorhost enums registered")
	}
}

// guestEnumNames reads the _X_names and _X_index declarations of dir's lite
// files and returns each enum's names by number.
func guestEnumNames(t *testing.T, dir string) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*_lite.pb.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no lite files in %s (%v)", dir, err)
	}
	strs, index := map[string]string{}, map[string][]int{}
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, s := range gd.Specs {
				vs, ok := s.(*ast.ValueSpec)
				if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 {
					continue
				}
				id := vs.Names[0].Name
				switch v := vs.Values[0].(type) {
				case *ast.BasicLit:
					if typ, ok := strings.CutSuffix(id, "_names"); ok && v.Kind == token.STRING {
						strs[strings.TrimPrefix(typ, "_")] = constant.StringVal(constant.MakeFromLiteral(v.Value, v.Kind, 0))
					}
				case *ast.CompositeLit:
					if typ, ok := strings.CutSuffix(id, "_index"); ok {
						var offs []int
						for _, e := range v.Elts {
							n, err := strconv.Atoi(e.(*ast.BasicLit).Value)
							if err != nil {
								t.Fatalf("%s: %v", id, err)
							}
							offs = append(offs, n)
						}
						index[strings.TrimPrefix(typ, "_")] = offs
					}
				}
			}
		}
	}
	out := map[string][]string{}
	for typ, s := range strs {
		offs := index[typ]
		if len(offs) < 2 {
			t.Fatalf("%s: _%s_index has %d entries", dir, typ, len(offs))
		}
		for i := 0; i+1 < len(offs); i++ {
			out[typ] = append(out[typ], s[offs[i]:offs[i+1]])
		}
	}
	return out
}

// An enum whose numbers are not 0 to n-1 gets a switch; its names are kept.
func TestStaticEnumsSparse(t *testing.T) {
	src := `package p

import (
	strconv "strconv"
)

// Enum value maps for Sparse.
var (
	Sparse_name = map[int32]string{
		-1: "SPARSE_NEG",
		0:  "SPARSE_ZERO",
		5:  "SPARSE_FIVE",
	}
	Sparse_value = map[string]int32{
		"SPARSE_NEG":  -1,
		"SPARSE_ZERO": 0,
		"SPARSE_FIVE": 5,
	}
)

func (x Sparse) String() string {
	name, valid := Sparse_name[int32(x)]
	if valid {
		return name
	}
	return strconv.Itoa(int(x))
}
`
	out, err := staticEnums([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"case -1:\n\t\treturn \"SPARSE_NEG\"", "case 5:\n\t\treturn \"SPARSE_FIVE\"", "strconv.Itoa(int(x))"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "_name") || strings.Contains(string(out), "_value") {
		t.Errorf("maps left:\n%s", out)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "p.go", out, 0); err != nil {
		t.Errorf("output does not parse: %v\n%s", err, out)
	}
}
