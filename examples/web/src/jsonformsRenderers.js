// The JSON Forms renderers the page adds to the vanilla and material sets
// (issue 25), as JSON Forms' documentation has custom renderers registered
// beside a set: an object control, and code lists that keep a wrong code.
//
//   - objectControl renders an object field (a control whose schema is an
//     object) as a labelled fieldset of its own fields, with the errors about
//     the object itself under its legend: a missing object, and the server's
//     unknown-field and not-in-year problems, which additionalErrors places
//     on the object that holds the field. The vanilla set has no renderer
//     for an object control at all (JSON Forms' generated layout makes one
//     for every nested object, and the vanilla set answers "No applicable
//     renderer"); the material set's shows no errors. It ranks above both.
//   - codeCell and codeControl render a code list (oneOf of const + title)
//     as the set does, with the document's value among the choices when it
//     is not a code of the list: a wrong code reads as itself, never as the
//     empty choice ("None").
//   - materialObjectList renders every list of objects in the material set
//     as the set's expandable panels, each item with all its fields: the
//     set's table, which it uses for items with no nested object or list,
//     leaves out the items' lists of codes. With no detail layout its items
//     get generatedLayout, which has the fields of any shape (a decision
//     fact's value) that JSON Forms' generator leaves out; the object
//     control's objects too.
//   - vanillaObjectList renders the vanilla set's lists of objects with
//     nested objects or lists as its own array control does, but with
//     JSON Forms' own words from the form's translations: that control
//     writes "Add to …" and its delete confirmation in English whatever the
//     language.
//   - anyValueControl and anyValueCell render a value of any shape (no
//     type, or an object with no properties: a decision fact's value, a
//     problem's params), for which neither set has a control or a cell, as
//     a text input of its JSON: text that is not JSON is a string.
//
// Written with createElement, not JSX, so that node --test loads it.
import { createElement as h, useMemo } from "react";
import { Helpers, Resolve, and, composePaths, composeWithUi, createDefaultValue, isControl, isObjectArrayControl, isObjectArrayWithNesting, isObjectControl, isOneOfEnumControl, rankWith, schemaMatches } from "@jsonforms/core";
import { JsonFormsDispatch, useJsonForms, withArrayTranslationProps, withJsonFormsArrayControlProps, withJsonFormsCellProps, withJsonFormsControlProps, withTranslateProps } from "@jsonforms/react";
import { OneOfEnumCell, withVanillaControlProps } from "@jsonforms/vanilla-renderers";
import { MaterialArrayLayout, MaterialOneOfEnumCell, MaterialOneOfEnumControl } from "@jsonforms/material-renderers";
import { freeForm, generatedLayout } from "./jsonforms.js";

function ObjectControl({ schema, rootSchema, uischema, path, label, errors, visible, enabled, id }) {
  const detail = useMemo(
    () => uischema.options?.detail ?? generatedLayout(schema, rootSchema),
    [uischema, schema, rootSchema],
  );
  if (!visible) return null;
  return h(
    "fieldset",
    { className: "object-control", id },
    label ? h("legend", null, label) : null,
    errors ? h("div", { className: "validation validation_error object-errors", role: "alert" }, errors) : null,
    h(JsonFormsDispatch, { schema, uischema: detail, path, enabled, visible }),
  );
}

/** The object control, for the vanilla and the material set. */
export const objectControl = { tester: rankWith(10, isObjectControl), renderer: withJsonFormsControlProps(ObjectControl) };

// codeOptions returns the choices of a code list, plus value when the list
// does not have it (undefined when it has: the set's own choices stand).
export function codeOptions(field, value) {
  const list = field?.oneOf;
  if (!Array.isArray(list) || value === undefined || value === null || value === "") return undefined;
  if (list.some((b) => b.const === value)) return undefined;
  return [...list.map((b) => ({ label: b.title ?? String(b.const), value: b.const })), { label: String(value), value }];
}

// withWrongCode wraps a set's code-list cell or control: it passes the
// set's component the choices of codeOptions when the value is not a code
// of the list.
function withWrongCode(Inner, isControl) {
  return function WrongCode(props) {
    const { core } = useJsonForms();
    const path = isControl ? composeWithUi(props.uischema, props.path) : props.path;
    const value = Resolve.data(core.data, path);
    const resolved = Resolve.schema(props.schema ?? core.schema, props.uischema.scope, core.schema);
    const options = codeOptions(resolved?.oneOf ? resolved : props.schema, value);
    return h(Inner, options ? { ...props, options } : props);
  };
}

/** The code-list cell of the vanilla set, keeping a wrong code. */
export const vanillaCodeCell = { tester: rankWith(10, isOneOfEnumControl), cell: withWrongCode(OneOfEnumCell, false) };
/** The code-list cell of the material set (tables), keeping a wrong code. */
export const materialCodeCell = { tester: rankWith(10, isOneOfEnumControl), cell: withWrongCode(MaterialOneOfEnumCell, false) };
/** The code-list control of the material set, keeping a wrong code. */
export const materialCodeControl = { tester: rankWith(10, isOneOfEnumControl), renderer: withWrongCode(MaterialOneOfEnumControl, true) };

// anyText shows a value of any shape; anyValue reads it back.
const anyText = (v) => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
function anyValue(text) {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function AnyValueCell({ data, path, handleChange, id, enabled }) {
  return h("input", {
    id,
    type: "text",
    className: "any-value",
    disabled: !enabled,
    value: anyText(data),
    onChange: (ev) => handleChange(path, anyValue(ev.target.value)),
  });
}

function AnyValueControl({ data, path, handleChange, id, enabled, visible, label, errors, description }) {
  if (!visible) return null;
  return h(
    "div",
    { className: "control any-value-control", id },
    h("label", { htmlFor: `${id}-input` }, label),
    h(AnyValueCell, { data, path, handleChange, id: `${id}-input`, enabled }),
    h("div", { className: errors ? "validation validation_error" : "validation" }, errors || description),
  );
}

const isAnyValue = and(isControl, schemaMatches((s) => freeForm(s)));
/** The control of a value of any shape, for both sets. */
export const anyValueControl = { tester: rankWith(11, isAnyValue), renderer: withJsonFormsControlProps(AnyValueControl) };
/** The cell of a value of any shape (tables), for both sets. */
export const anyValueCell = { tester: rankWith(11, isAnyValue), cell: withJsonFormsCellProps(AnyValueCell) };

// ObjectList is the material set's expandable panels, its items laid out by
// the control's detail or else by generatedLayout.
function ObjectList(props) {
  const { core } = useJsonForms();
  const { uischema, schema } = props;
  const withDetail = useMemo(() => {
    if (uischema.options?.detail) return uischema;
    const list = Resolve.schema(schema ?? core.schema, uischema.scope, core.schema);
    return { ...uischema, options: { ...uischema.options, detail: generatedLayout(list.items, core.schema) } };
  }, [uischema, schema, core.schema]);
  return h(MaterialArrayLayout, { ...props, uischema: withDetail });
}

/** Lists of objects in the material set: expandable panels of every field. */
export const materialObjectList = { tester: rankWith(10, isObjectArrayControl), renderer: ObjectList };

// VanillaObjectList is the vanilla set's array control (its classes, its
// buttons) with every word from translations and every field of the items.
function VanillaObjectList(props) {
  const { data, label, path, schema, rootSchema, uischema, errors, addItem, removeItems, moveUp, moveDown, translations: t, enabled, visible } = props;
  const css = props.getStyleAsClassName;
  const detail = useMemo(() => uischema.options?.detail ?? generatedLayout(schema, rootSchema), [uischema, schema, rootSchema]);
  if (!visible) return null;
  const button = (style, aria, text, onClick) => h("button", { type: "button", className: css(style), disabled: !enabled, "aria-label": aria, onClick }, text);
  const remove = (index) => () => window.confirm(t.deleteDialogMessage) && removeItems(path, [index])();
  const item = (_, index) =>
    h(
      "div",
      { key: index },
      h(JsonFormsDispatch, { schema, uischema: detail, path: composePaths(path, `${index}`) }),
      h(
        "div",
        { className: css("array.child.controls") },
        button("array.child.controls.up", t.upAriaLabel, t.up, moveUp(path, index)),
        button("array.child.controls.down", t.downAriaLabel, t.down, moveDown(path, index)),
        button("array.child.controls.delete", t.removeAriaLabel, t.removeTooltip, remove(index)),
      ),
    );
  return h(
    "div",
    { className: `${css("array.control")} ${Helpers.convertToValidClassName(uischema.scope)}` },
    h("header", null, h("label", { className: css("array.control.label") }, label), button("array.control.add", undefined, t.addTooltip, addItem(path, createDefaultValue(schema, rootSchema)))),
    h("div", { className: `${css("array.control.validation")} ${errors ? css("array.control.validation.error") : ""}` }, errors),
    h("div", { className: css("array.children") }, data?.length ? data.map(item) : h("p", null, t.noDataMessage)),
  );
}

/** Lists of objects with nested objects or lists in the vanilla set, in the form's language. */
export const vanillaObjectList = {
  tester: rankWith(5, isObjectArrayWithNesting),
  renderer: withVanillaControlProps(withJsonFormsArrayControlProps(withTranslateProps(withArrayTranslationProps(VanillaObjectList)))),
};
