/**
 * A deep copy as JSON would carry it: what the memory stores and bus keep and hand out, so data
 * behaves in one process as it does through Redis (a Date comes back a string there as here), and
 * a caller that changes its copy changes nobody else's. Faster than `structuredClone` for the
 * small records these are, and it allocates less.
 */
export function jsonCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
