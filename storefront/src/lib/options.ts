// Variant options as admins type them: "size=M, color=Black".

/** Parses "size=M, color=Black" into {size: 'M', color: 'Black'}; null when malformed. */
export function parseOptions(input: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const part of input.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const name = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (!name || !value || name in out) return null;
    out[name] = value;
  }
  return out;
}

export function formatOptions(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** Tags typed comma-separated: trimmed, lower-cased, de-duplicated. */
export function parseTags(input: string): string[] {
  return [
    ...new Set(
      input
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}
