/** Commander's collector for the repeatable `--set key=value` option: keeps every occurrence in order. */
export function collectSetOption(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}
