// How deeply a parsed JSON value nests, measured without recursion: a request may be 100,000 levels deep, which the
// recursive walkers behind it (zod's checks, a validator, JSON.stringify of an error that echoes the value) overflow on.

/** True when `value` has arrays or objects nested more than `limit` levels deep (a flat object is one level). */
export function nestingExceeds(value: unknown, limit: number): boolean {
  const stack: { node: object; level: number }[] = [];
  const visit = (node: unknown, level: number) => {
    if (node !== null && typeof node === 'object') stack.push({ node, level });
  };
  visit(value, 1);
  while (stack.length > 0) {
    const { node, level } = stack.pop()!;
    if (level > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) visit(child, level + 1);
  }
  return false;
}
