package schemas

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"

	"github.com/openregistro/registro/schemas/problem"
)

// AJV 8 reports one pair of equal items for a failed uniqueItems, and which
// pair depends on how it compiled the keyword. When the array's items
// declare a scalar type (every array of codes in our schemas does: "type":
// "string"), it scans from the last item back, skips items of another type,
// and stops at the first item equal to one after it: params i is that item's
// index and j the later one's (i < j). Otherwise it compares every pair, again
// from the last item back, and stops at the first item equal to one before
// it: i is the later index and j the nearest earlier one (i > j). santhosh
// reports another pair; the mapper recomputes AJV's from the instance, and
// the Go pipeline uses the same function, so the three agree.

// UniquePair returns the pair of equal items AJV 8 reports for uniqueItems on
// an array of strings whose items declare "type": "string": i < j, and ok is
// false when every item is distinct.
func UniquePair(items []string) (i, j int, ok bool) {
	if len(items) < 2 {
		return 0, 0, false
	}
	if len(items) <= 16 {
		for i := len(items) - 1; i >= 0; i-- {
			for j := i + 1; j < len(items); j++ {
				if items[i] == items[j] {
					return i, j, true
				}
			}
		}
		return 0, 0, false
	}
	seen := make(map[string]int, len(items))
	for i := len(items) - 1; i >= 0; i-- {
		if j, dup := seen[items[i]]; dup {
			return i, j, true
		}
		seen[items[i]] = i
	}
	return 0, 0, false
}

// UniqueItems is the problem a uniqueItems failure gives at instancePath
// (the array) when items i and j are equal, in AJV's shape: keyword
// uniqueItems, params {i, j}, AJV's English message; code unique_items.
// schemaPath is the keyword's location in the schema.
func UniqueItems(instancePath, schemaPath string, i, j int) problem.Problem {
	params := map[string]any{"i": i, "j": j}
	msg := messages["uniqueItems"]
	p := problem.New(instancePath, "uniqueItems", msg.code, params, msg.it(params), msg.en(params))
	p.SchemaPath = schemaPath
	return p
}

// ajvPair finds the pair AJV reports on the array items whose schema's items
// declare the types itemTypes (nil when they declare none).
func ajvPair(items []any, itemTypes []string) (i, j int, ok bool) {
	scalar := len(itemTypes) > 0
	for _, t := range itemTypes {
		if t == "object" || t == "array" {
			scalar = false
		}
	}
	if !scalar {
		for i := len(items) - 1; i >= 0; i-- {
			for j := i - 1; j >= 0; j-- {
				if jsonEqual(items[i], items[j]) {
					return i, j, true
				}
			}
		}
		return 0, 0, false
	}
	seen := map[string]int{}
	for i := len(items) - 1; i >= 0; i-- {
		key, typed := scalarKey(items[i], itemTypes)
		if !typed {
			continue // AJV skips items of another type
		}
		if j, dup := seen[key]; dup {
			return i, j, true
		}
		seen[key] = i
	}
	return 0, 0, false
}

// scalarKey is the key AJV's optimised loop files item under (its value as
// a JavaScript object key; strings get a "_" suffix when several types are
// allowed), and whether item has one of the types.
func scalarKey(item any, types []string) (string, bool) {
	has := func(t string) bool {
		for _, x := range types {
			if x == t {
				return true
			}
		}
		return false
	}
	switch x := item.(type) {
	case string:
		if !has("string") {
			return "", false
		}
		if len(types) > 1 {
			return x + "_", true
		}
		return x, true
	case bool:
		return strconv.FormatBool(x), has("boolean")
	case nil:
		return "null", has("null")
	case json.Number, float64:
		f, err := strconv.ParseFloat(fmt.Sprint(x), 64)
		if err != nil {
			return "", false
		}
		if !has("number") && !(has("integer") && f == float64(int64(f))) {
			return "", false
		}
		return strconv.FormatFloat(f, 'g', -1, 64), true
	}
	return "", false
}

// jsonEqual is JSON equality (numbers by value), as AJV's deep equal.
func jsonEqual(a, b any) bool {
	na, aNum := number(a)
	nb, bNum := number(b)
	if aNum || bNum {
		return aNum && bNum && na == nb
	}
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !jsonEqual(x[k], y[k]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	}
	return 0, false
}

// itemTypes reads the "type" of an array schema's "items" (nil when absent).
func itemTypes(arraySchema any) []string {
	s, _ := arraySchema.(map[string]any)
	items, _ := s["items"].(map[string]any)
	switch t := items["type"].(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
