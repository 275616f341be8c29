//go:build tools

package registro

import (
	_ "github.com/go-playground/validator/v10"
	_ "github.com/invopop/jsonschema"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/santhosh-tekuri/jsonschema/v5"
	_ "github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
	_ "golang.org/x/text/unicode/norm"
	_ "golang.org/x/term"
)
