/** Reads one sample from Prometheus text exposition (GET /metrics), e.g. ('skysentinel_updates_total', {result:'accepted'}). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels);
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_:][a-z0-9_:]*)(\{[^}]*\})? (\S+)$/i.exec(line);
    if (!m || m[1] !== name) continue;
    const labelText = m[2] ?? '';
    if (want.every(([k, v]) => labelText.includes(`${k}="${v}"`))) {
      sum += Number(m[3]);
      found = true;
    }
  }
  return found ? sum : 0;
}

export async function fetchMetric(baseUrl: string, name: string, labels: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}/metrics`);
  return metricValue(await res.text(), name, labels);
}
