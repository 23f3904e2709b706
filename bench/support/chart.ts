/** A plain SVG bar chart of rows/s per tool, one group per dataset: no library, readable in any browser. */
interface Bar {
  readonly dataset: string;
  readonly tool: string;
  readonly rowsPerSecond: number;
}

const COLOURS = ['#1f6feb', '#79b8ff', '#d29922', '#8b949e', '#2da44e', '#cf222e'];

export function throughputChart(bars: readonly Bar[], caption: string): string {
  const datasets = [...new Set(bars.map((b) => b.dataset))];
  const tools = [...new Set(bars.map((b) => b.tool))];
  const width = 760;
  const barHeight = 22;
  const left = 300;
  const right = 120;
  const groupGap = 26;
  // Each dataset on its own scale: a wide row is 8x the work of a narrow one, so rows/s differ by that much.
  const scaleOf = (dataset: string): number =>
    (width - left - right) / Math.max(...bars.filter((b) => b.dataset === dataset).map((b) => b.rowsPerSecond));
  const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts: string[] = [];
  let y = 50;
  for (const dataset of datasets) {
    const scale = scaleOf(dataset);
    parts.push(`<text x="10" y="${y - 8}" font-weight="bold">${escapeXml(dataset)}</text>`);
    for (const [i, tool] of tools.entries()) {
      const bar = bars.find((b) => b.dataset === dataset && b.tool === tool);
      if (!bar) continue;
      const w = Math.max(1, bar.rowsPerSecond * scale);
      parts.push(`<text x="${left - 8}" y="${y + 15}" text-anchor="end">${escapeXml(tool)}</text>`);
      parts.push(
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight - 4}" fill="${COLOURS[i % COLOURS.length]}"/>`,
      );
      parts.push(
        `<text x="${(left + w + 6).toFixed(1)}" y="${y + 15}">${Math.round(bar.rowsPerSecond).toLocaleString('en')}</text>`,
      );
      y += barHeight;
    }
    y += groupGap;
  }
  const height = y + 20;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="22" font-size="15" font-weight="bold">Rows per second, whole process, CSV in and out (higher is better)</text>
${parts.join('\n')}
<text x="10" y="${height - 8}" font-size="11" fill="#57606a">${escapeXml(caption)}; each dataset to its own scale</text>
</svg>
`;
}
