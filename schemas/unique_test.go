package schemas_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/openregistro/registro/schemas"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ajvLoop is AJV 8's uniqueItems loop for items of a scalar type, written out
// as in ajv/dist/vocabularies/validation/uniqueItems.js (loopN).
func ajvLoop(items []string) (int, int, bool) {
	indices := map[string]int{}
	for i := len(items) - 1; i >= 0; i-- {
		if j, ok := indices[items[i]]; ok {
			return i, j, true
		}
		indices[items[i]] = i
	}
	return 0, 0, false
}

func TestUniquePair(t *testing.T) {
	cases := []struct {
		items []string
		i, j  int
		ok    bool
	}{
		{nil, 0, 0, false},
		{[]string{"I"}, 0, 0, false},
		{[]string{"I", "II"}, 0, 0, false},
		{[]string{"I", "I"}, 0, 1, true},
		{[]string{"a", "b", "a"}, 0, 2, true},
		{[]string{"a", "b", "a", "b"}, 1, 3, true},
		{[]string{"a", "a", "a"}, 1, 2, true},
		{[]string{"a", "b", "c", "b", "a"}, 1, 3, true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.items), func(t *testing.T) {
			i, j, ok := schemas.UniquePair(c.items)
			require.Equal(t, c.ok, ok)
			if ok {
				assert.Equal(t, [2]int{c.i, c.j}, [2]int{i, j})
			}
		})
	}
	// Short and long arrays (two code paths) against AJV's loop.
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 2000 {
		items := make([]string, r.IntN(40))
		for k := range items {
			items[k] = fmt.Sprint(r.IntN(3 + n%60))
		}
		i, j, ok := schemas.UniquePair(items)
		wi, wj, wok := ajvLoop(items)
		require.Equal(t, [3]any{wi, wj, wok}, [3]any{i, j, ok}, "%v", items)
	}
}

func TestUniqueItemsProblem(t *testing.T) {
	p := schemas.UniqueItems("/sections", "#/properties/sections/uniqueItems", 0, 1)
	assert.Equal(t, "uniqueItems", p.Keyword)
	assert.Equal(t, schemas.CodeUniqueItems, p.Code)
	assert.Equal(t, map[string]any{"i": 0, "j": 1}, p.Params)
	assert.Equal(t, "must NOT have duplicate items (items ## 1 and 0 are identical)", p.Message)
	assert.Equal(t, p.Message, p.Messages.EN)
	assert.Equal(t, "non deve contenere elementi ripetuti (gli elementi 0 e 1 sono uguali)", p.Messages.IT)
	assert.Equal(t, "#/properties/sections/uniqueItems", p.SchemaPath)
}

// TestUniqueItemsFromSchema: the schema validator reports AJV's pair, not
// santhosh's (which would be items 0 and 2 here).
func TestUniqueItemsFromSchema(t *testing.T) {
	v, err := schemas.Get("application")
	require.NoError(t, err)
	doc := map[string]any{"sections": []any{"I", "II", "I", "II"}}
	var found bool
	for _, p := range v.ValidateValue(doc) {
		if p.Keyword == "uniqueItems" && p.InstancePath == "/sections" {
			found = true
			assert.Equal(t, map[string]any{"i": 1, "j": 3}, p.Params)
		}
	}
	assert.True(t, found)
}
