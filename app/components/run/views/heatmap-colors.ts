/** Heatmap rendering shared by the overlays and PNG export: a perceptual "turbo"-like ramp, transparent at 0. */
import type { Heatmap } from '@/nodes/engine/host-browser/views-protocol';

const STOPS: Array<[number, [number, number, number]]> = [
  [0, [48, 18, 59]],
  [0.25, [70, 134, 251]],
  [0.5, [27, 229, 181]],
  [0.75, [250, 186, 57]],
  [1, [122, 4, 3]],
];

export function colourOf(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, v));
  for (let i = 1; i < STOPS.length; i++) {
    const [b, cb] = STOPS[i];
    const [a, ca] = STOPS[i - 1];
    if (x <= b) {
      const t = (x - a) / (b - a);
      return [0, 1, 2].map((k) => Math.round(ca[k] + (cb[k] - ca[k]) * t)) as [number, number, number];
    }
  }
  return STOPS[STOPS.length - 1][1];
}

/** Paint a heatmap over `ctx` at (x, y, w, h), smoothly upscaled; weak evidence fades out. */
export function drawHeatmap(ctx: CanvasRenderingContext2D, map: Heatmap, x: number, y: number, w: number, h: number, opacity: number): void {
  const small = document.createElement('canvas');
  small.width = map.width;
  small.height = map.height;
  const sctx = small.getContext('2d');
  if (!sctx) return;
  const image = sctx.createImageData(map.width, map.height);
  map.values.forEach((v, i) => {
    const [r, g, b] = colourOf(v);
    image.data[i * 4] = r;
    image.data[i * 4 + 1] = g;
    image.data[i * 4 + 2] = b;
    image.data[i * 4 + 3] = Math.round(255 * Math.min(1, 0.25 + v));
  });
  sctx.putImageData(image, 0, 0);
  ctx.save();
  ctx.globalAlpha = opacity;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(small, x, y, w, h);
  ctx.restore();
}
