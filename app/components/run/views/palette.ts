/** Class colours for the views (distinct, colour-blind-friendly first 8: Okabe–Ito; then a hue wheel). */
const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export function classColour(c: number): string {
  if (c < OKABE_ITO.length) return OKABE_ITO[c];
  return `hsl(${(c * 137.508) % 360}, 65%, 45%)`;
}
