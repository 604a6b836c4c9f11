/** The join link's QR code, for the pages that show it (not the player's: a phone needs none). */
import { encode as encodeQr } from "uqr";

const SVG = "http://www.w3.org/2000/svg";

/**
 * A QR code of `text` as an SVG element, built node by node from uqr's module matrix (no markup
 * is parsed): one path, a horizontal run of dark modules per segment, on a white square.
 */
export function qrSvg(text: string): SVGSVGElement {
  const qr = encodeQr(text, { ecc: "M", border: 2 });
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${qr.size} ${qr.size}`);
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.setAttribute("aria-hidden", "true");
  const bg = document.createElementNS(SVG, "rect");
  bg.setAttribute("width", String(qr.size));
  bg.setAttribute("height", String(qr.size));
  bg.setAttribute("fill", "#fff");
  let d = "";
  qr.data.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      if (!row[x]) continue;
      let end = x;
      while (row[end + 1]) end++;
      d += `M${x},${y}h${end - x + 1}v1h${-(end - x + 1)}z`;
      x = end;
    }
  });
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  svg.append(bg, path);
  return svg;
}
