// The page's only style sheet, inlined in <style>: the report must open with
// no network, so nothing is linked.
export const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1d1d1f; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 40px; }
header { border-bottom: 1px solid #ddd; padding-bottom: 12px; margin-bottom: 8px; }
.title { display: flex; align-items: center; gap: 14px; }
h1 { font-size: 26px; margin: 0; font-weight: 650; }
h2 { font-size: 19px; margin: 28px 0 10px; font-weight: 650; }
h2 small { font-size: 13px; font-weight: 400; color: #555; margin-left: 8px; }
.badge { display: inline-block; padding: 4px 12px; border-radius: 6px; color: #fff; font-weight: 700; letter-spacing: .06em; font-size: 15px; }
.badge.pass { background: #1a7f37; }
.badge.fail { background: #c62828; }
.meta { color: #444; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 6px 18px; }
code { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; background: #f3f3f5; padding: 1px 4px; border-radius: 3px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 2px 0 6px; }
caption small { font-weight: 400; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 5px 10px; text-align: left; vertical-align: top; white-space: nowrap; }
td:last-child { white-space: normal; }
th { background: #f6f6f8; font-weight: 600; font-size: 12.5px; }
table.num td:not(:first-child), table.num th:not(:first-child) { text-align: right; }
tr.violated td { background: #fff1f0; }
.scroll { overflow-x: auto; }
.ok { color: #1a7f37; font-weight: 600; white-space: nowrap; }
.bad { color: #c62828; }
.muted { color: #666; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.swatch.wide { width: 22px; }
.service { border-top: 1px solid #ddd; margin-top: 26px; }
figure.chart { margin: 8px 0 10px; }
.chart-box { overflow-x: auto; }
svg.timeline { display: block; max-width: 100%; height: auto; font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
svg.timeline text { fill: #333; }
svg.timeline .panel-title { font-weight: 600; font-size: 12.5px; fill: #222; }
svg.timeline .unit, svg.timeline .tick { fill: #555; font-size: 11px; }
svg.timeline .axis-title { fill: #444; }
svg.timeline .label text { font-size: 11.5px; font-weight: 600; }
svg.timeline .hover rect:hover { fill: rgba(0,0,0,.06); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 4px 0 6px 70px; font-size: 13px; }
.legend .key { display: inline-flex; align-items: center; gap: 6px; }
figure.chart h3 { font-size: 15px; font-weight: 600; margin: 18px 0 4px; }
figcaption { color: #666; font-size: 12.5px; margin: 2px 0 0 70px; }
.tables { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 8px 40px; }
details.ids { margin: 8px 0; }
details.ids summary { cursor: pointer; }
.idlist code { white-space: nowrap; display: inline-block; margin: 1px 0; }
.idlist { max-height: 220px; overflow: auto; border: 1px solid #e4e4e4; border-radius: 4px; padding: 8px; margin-top: 6px; line-height: 1.9; }
.ids-none { color: #1a7f37; }
.notes li { margin: 3px 0; }
footer { margin-top: 36px; color: #777; font-size: 12px; border-top: 1px solid #eee; padding-top: 10px; }
`;
