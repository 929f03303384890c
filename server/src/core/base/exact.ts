/** One empty array for every empty result: nothing appends to a decoded value's lists once made. */
const NONE: readonly never[] = Object.freeze([]);

/**
 * The same items in an array of exactly their length (none: one shared, frozen empty array). An array grown by push
 * keeps spare room, and what an analysis decodes is kept as long as its document is open (see bench/README.md).
 */
export function exact<T>(items: T[]): T[] {
  return items.length === 0 ? (NONE as unknown as T[]) : items.slice();
}
