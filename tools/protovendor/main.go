// Command protovendor writes the .proto sources of third-party contracts that sciweek's protos
// import (protovalidate, google.api) from the descriptors compiled into their Go packages.
//
// Why: the Buf Schema Registry is out of reach from the build machines, so buf cannot fetch
// these modules as deps. Printing them from the Go packages the runtime already links
// guarantees the .proto matches the generated Go code byte for byte in meaning.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	_ "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/jhump/protoreflect/desc"
	"github.com/jhump/protoreflect/desc/protoprint"
	_ "google.golang.org/genproto/googleapis/api/annotations"
	_ "google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/protobuf/reflect/protoregistry"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: protovendor OUTDIR")
		os.Exit(2)
	}
	out := os.Args[1]
	printer := &protoprint.Printer{}
	for _, name := range []string{
		"buf/validate/validate.proto",
		"google/api/annotations.proto",
		"google/api/http.proto",
		"google/api/httpbody.proto",
	} {
		fd, err := protoregistry.GlobalFiles.FindFileByPath(name)
		if err != nil {
			fail(err)
		}
		d, err := desc.WrapFile(fd)
		if err != nil {
			fail(err)
		}
		path := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fail(err)
		}
		f, err := os.Create(path)
		if err != nil {
			fail(err)
		}
		if err := printer.PrintProtoFile(d, f); err != nil {
			fail(err)
		}
		if err := f.Close(); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "protovendor:", err)
	os.Exit(1)
}
