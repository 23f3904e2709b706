/** A field as CSV text: quoted only when it must be (RFC 4180), so plain values are written as they are. */
export function csvField(value: string, delimiter: string): string {
  const needsQuotes = value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r');
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}
