/**
 * Page geometry, type scale and colours of the representación impresa. The shop's branding
 * colour drives headings, rules and the table header; text on it switches to dark when the
 * colour is light, and headings are darkened until they read well on white.
 */
import type { TextStyle } from './canvas.ts';

/** US Letter, the usual paper size for invoices in Mexico. */
export const PAGE = {
  size: [612, 792] as [number, number],
  left: 36,
  width: 540,
  top: 30,
  /** Lowest y content may reach; the footer lives below it. */
  bottom: 756,
  footer: 766,
};

export const DEFAULT_BRAND = '#1F4E79';

export interface Theme {
  brand: string;
  /** Brand colour dark enough for text on white. */
  brandText: string;
  /** Text colour on a brand-coloured background. */
  onBrand: string;
  ink: string;
  muted: string;
  rule: string;
  zebra: string;
  alert: string;
}

function channels(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

const toHex = (c: number[]) => `#${c.map((x) => Math.round(x).toString(16).padStart(2, '0')).join('')}`;

/** WCAG relative luminance. */
function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const contrastOnWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);

/** The theme for a branding colour (#RRGGBB); throws on anything else. */
export function makeTheme(color: string = DEFAULT_BRAND): Theme {
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) throw new TypeError(`branding.color must be #RRGGBB, got "${color}"`);
  const brand = color.toUpperCase();
  let brandText = brand;
  for (let i = 0; i < 10 && contrastOnWhite(brandText) < 4.5; i++) {
    brandText = toHex(channels(brandText).map((c) => c * 0.85));
  }
  return {
    brand,
    brandText,
    onBrand: luminance(brand) > 0.4 ? '#1A1A1A' : '#FFFFFF',
    ink: '#1F2328',
    muted: '#5B6472',
    rule: '#C9D1DA',
    zebra: '#F4F6F8',
    alert: '#C62828',
  };
}

/** The type scale, in points. */
export function styles(theme: Theme) {
  const s = (font: TextStyle['font'], size: number, color: string): TextStyle => ({ font, size, color });
  return {
    brandName: s('bold', 14, theme.brandText),
    issuerName: s('bold', 8.5, theme.ink),
    heading: s('bold', 7.5, theme.brandText),
    label: s('regular', 7, theme.muted),
    labelBold: s('bold', 7, theme.muted),
    value: s('regular', 8, theme.ink),
    valueBold: s('bold', 8, theme.ink),
    title: s('bold', 11, theme.onBrand),
    tableHead: s('bold', 7, theme.onBrand),
    cell: s('regular', 8, theme.ink),
    cellBold: s('bold', 8, theme.ink),
    meta: s('regular', 6.5, theme.muted),
    total: s('bold', 10.5, theme.onBrand),
    words: s('bold', 8, theme.ink),
    seal: s('mono', 6, theme.ink),
    sealLabel: s('bold', 6.5, theme.brandText),
    footer: s('regular', 6.5, theme.muted),
    banner: s('bold', 7.5, '#FFFFFF'),
    watermark: s('bold', 40, theme.alert),
  };
}

export type Styles = ReturnType<typeof styles>;
