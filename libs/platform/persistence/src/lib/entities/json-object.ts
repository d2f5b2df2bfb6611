/**
 * What a `simple-json` column holds: an object read back with `JSON.parse`. Values are any non-undefined
 * value (JSON has no `undefined`); readers check the shape they expect.
 */
export interface JsonObject {
  [key: string]: NonNullable<unknown> | null;
}
