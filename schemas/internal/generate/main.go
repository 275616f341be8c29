// Command generate writes the JSON Schema files of package schemas. It is run
// by "go generate ./schemas/..." from the schemas folder.
//
// Usage:
//
//	go run ./internal/generate [-dir DIR]
//
// It removes generated files that are no longer produced, so the folder holds
// exactly what the generator makes.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/openregistro/registro/schemas/schemagen"
)

func main() {
	dir := flag.String("dir", ".", "the schemas package folder")
	flag.Parse()
	if err := schemagen.Write(*dir, schemagen.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
