'use client';
/** "Save as PNG" for the views: SVG charts are rasterised as they are; image galleries are redrawn tile by tile
 * (thumbnail, heatmap overlay, caption). */
import { downloadBlob } from '@/app/lib/download';

function canvasToPng(canvas: HTMLCanvasElement, fileName: string): Promise<void> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) return reject(new Error('Could not encode the PNG.'));
      downloadBlob(blob, fileName);
      resolve();
    }, 'image/png');
  });
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('Could not draw the chart.'));
    img.src = src;
  });
}

/** Rasterise an SVG element (at 2× for sharpness) with a white background and a title line. */
export async function saveSvgAsPng(svg: SVGSVGElement, fileName: string, title: string): Promise<void> {
  const box = svg.viewBox.baseVal;
  const width = box && box.width ? box.width : svg.clientWidth;
  const height = box && box.height ? box.height : svg.clientHeight;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
  try {
    const img = await loadImage(url);
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = (height + 24) * scale;
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height + 24);
    ctx.fillStyle = '#212529';
    ctx.font = '600 13px system-ui, sans-serif';
    ctx.fillText(title, 8, 16);
    ctx.drawImage(img, 0, 24, width, height);
    await canvasToPng(canvas, fileName);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Several SVG panels side by side in one PNG. */
export async function saveSvgsAsPng(svgs: SVGSVGElement[], captions: string[], fileName: string, title: string): Promise<void> {
  const images: Array<{ img: HTMLImageElement; w: number; h: number }> = [];
  for (const svg of svgs) {
    const box = svg.viewBox.baseVal;
    const clone = svg.cloneNode(true) as SVGSVGElement;
    clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    clone.setAttribute('width', String(box.width));
    clone.setAttribute('height', String(box.height));
    const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
    try {
      images.push({ img: await loadImage(url), w: box.width, h: box.height });
    } finally {
      URL.revokeObjectURL(url);
    }
  }
  const gap = 16;
  const width = images.reduce((s, i) => s + i.w + gap, gap);
  const height = Math.max(...images.map((i) => i.h)) + 48;
  const canvas = document.createElement('canvas');
  canvas.width = width * 2;
  canvas.height = height * 2;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(2, 2);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#212529';
  ctx.font = '600 13px system-ui, sans-serif';
  ctx.fillText(title, gap, 16);
  let x = gap;
  images.forEach((image, k) => {
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText(captions[k] ?? '', x, 36);
    ctx.drawImage(image.img, x, 44, image.w, image.h);
    x += image.w + gap;
  });
  await canvasToPng(canvas, fileName);
}

/** Redraw a gallery: every `[data-png-tile]` element's <img>, heatmap <canvas> and `data-caption`. */
export async function saveGalleryAsPng(container: HTMLElement, fileName: string, title: string): Promise<void> {
  const tiles = [...container.querySelectorAll<HTMLElement>('[data-png-tile]')];
  const tile = 112;
  const captionH = 34;
  const perRow = Math.max(1, Math.min(6, tiles.length));
  const rows = Math.max(1, Math.ceil(tiles.length / perRow));
  const width = perRow * (tile + 10) + 10;
  const height = rows * (tile + captionH + 10) + 34;
  const canvas = document.createElement('canvas');
  canvas.width = width * 2;
  canvas.height = height * 2;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(2, 2);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#212529';
  ctx.font = '600 13px system-ui, sans-serif';
  ctx.fillText(title, 10, 18);
  tiles.forEach((el, k) => {
    const x = 10 + (k % perRow) * (tile + 10);
    const y = 30 + Math.floor(k / perRow) * (tile + captionH + 10);
    const img = el.querySelector('img');
    if (img && img.complete) ctx.drawImage(img, x, y, tile, tile);
    const overlay = el.querySelector('canvas');
    if (overlay) ctx.drawImage(overlay, x, y, tile, tile);
    ctx.fillStyle = '#212529';
    ctx.font = '11px system-ui, sans-serif';
    (el.dataset.caption ?? '').split('\n').forEach((line, i) => ctx.fillText(line, x, y + tile + 12 + i * 12, tile));
  });
  await canvasToPng(canvas, fileName);
}
