/** Draws a run's costs relative to bare Bun as a hand-made SVG bar chart (log scale, no libraries). */
import { SERVERS } from "./servers.ts";
import { type RunSummary, ratio, type ScenarioSummary } from "./summary.ts";

const COLORS: Record<string, string> = { ours: "#d9480f", node: "#2b8a3e", python: "#1971c2" };
const SHOWN = ["ours", "node", "python"] as const;
const label = (id: string) => SERVERS.find((s) => s.id === id)?.label ?? id;

function esc(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** The chart's rows: a metric of a scenario, each a cost where lower is better. */
function groups(r: RunSummary): { title: string; sc: ScenarioSummary; metric: string }[] {
  const out: { title: string; sc: ScenarioSummary; metric: string }[] = [];
  const names: Record<string, string> = {
    greet: "greet: CPU per message",
    cycle: "cycle: CPU per connect–greet–close",
    verdict: "verdict: CPU per buzz",
  };
  for (const sc of r.windows) out.push({ title: names[sc.key] ?? sc.key, sc, metric: "cpuUs" });
  for (const sc of r.bursts) out.push({ title: `burst ${sc.title}: last verdict`, sc, metric: "timeMs" });
  if (r.idle.servers.length) out.push({ title: "idle: memory per connection", sc: r.idle, metric: "kib" });
  return out;
}

/** An SVG of each server's cost ÷ bare Bun's per scenario; bars grow from the 1× line. */
export function chartSvg(r: RunSummary): string {
  const rows = groups(r);
  const ratios = rows.flatMap((g) =>
    SHOWN.map((id) => {
      const s = g.sc.servers.find((x) => x.server === id);
      return s ? ratio(g.sc, s, g.metric) : Number.NaN;
    }),
  );
  const finite = ratios.filter((x) => Number.isFinite(x) && x > 0);
  const lo = Math.min(0.5, ...finite.map((x) => x / 1.2));
  const hi = Math.max(2, ...finite.map((x) => x * 1.3));
  const left = 270;
  const right = 880;
  const width = 960;
  const bar = 16;
  const groupH = SHOWN.length * (bar + 4) + 26;
  const top = 78;
  const height = top + rows.length * groupH + 40;
  const x = (v: number) =>
    left + ((Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * (right - left);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="20" y="26" font-size="17" font-weight="bold">Cost relative to bare Bun (1× = bare Bun; lower is better; log scale)</text>`,
    `<text x="20" y="46" fill="#555">${esc(`${r.meta.date} · ${r.meta.quick ? "quick" : "full"} run · median of ${r.meta.reps} repeats · same run for every ratio`)}</text>`,
  ];
  SHOWN.forEach((id, i) => {
    const lx = left + i * 130;
    out.push(
      `<rect x="${lx}" y="56" width="12" height="12" fill="${COLORS[id]}"/>`,
      `<text x="${lx + 18}" y="67">${esc(label(id))}</text>`,
    );
  });
  for (const t of [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]) {
    if (t < lo || t > hi) continue;
    const tx = x(t).toFixed(1);
    out.push(
      `<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${height - 34}" stroke="${t === 1 ? "#222" : "#ddd"}" stroke-width="${t === 1 ? 1.5 : 1}"/>`,
      `<text x="${tx}" y="${height - 18}" text-anchor="middle" fill="#444">${t === 1 ? "1× = bare Bun" : `${t}×`}</text>`,
    );
  }
  rows.forEach((g, gi) => {
    const gy = top + gi * groupH;
    out.push(`<text x="20" y="${gy + 14}" font-weight="bold">${esc(g.title)}</text>`);
    SHOWN.forEach((id, i) => {
      const y = gy + 20 + i * (bar + 4);
      const s = g.sc.servers.find((v) => v.server === id);
      const v = s ? ratio(g.sc, s, g.metric) : Number.NaN;
      out.push(
        `<text x="${left - 8}" y="${y + bar - 4}" text-anchor="end" fill="#444">${esc(s?.label ?? id)}</text>`,
      );
      if (!Number.isFinite(v) || v <= 0) {
        out.push(
          `<text x="${x(1) + 6}" y="${y + bar - 4}" fill="#888">${esc(s?.skipped ?? "not measured")}</text>`,
        );
        return;
      }
      const a = Math.min(x(1), x(v));
      const w = Math.max(1.5, Math.abs(x(v) - x(1)));
      out.push(
        `<rect x="${a.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${COLORS[id]}"/>`,
        `<text x="${(v >= 1 ? a + w + 5 : a - 5).toFixed(1)}" y="${y + bar - 4}" text-anchor="${v >= 1 ? "start" : "end"}">${v.toFixed(2)}×</text>`,
      );
    });
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
