// rjsf sometimes leaves empty objects for blocks nobody filled in (seen with
// rjsf 6: editing any field added "sectionII": {"labourInclusion": {}} to a
// Section I report, which the schema then rejects as a Section II block that
// must not be there). An empty object holds no answer, so the form drops it.

/**
 * Returns data without the objects that hold no value (recursively: an object
 * whose members are all such objects, or undefined, is dropped too). Arrays
 * and their items are kept as they are: an empty list is an answer.
 * @param {unknown} data
 * @returns {unknown}
 */
export function dropEmptyObjects(data) {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return data;
  const out = {};
  for (const [k, v] of Object.entries(data)) {
    const w = Array.isArray(v) ? v.map((x) => (x !== null && typeof x === "object" && !Array.isArray(x) ? dropEmptyObjects(x) ?? {} : x)) : dropEmptyObjects(v);
    if (w !== undefined) out[k] = w;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
