import { DEFAULT_PRIMARY_COLOUR, type PageStringOverrides, readBranding } from "../render/branding-schema";

/** What the recipients' pages and links read of the organisation's branding, with the defaults filled in. */
export type PageBranding = { logoUrl: string | null; primaryColor: string; unsubscribeMailto: string | null; pageStrings?: PageStringOverrides };

export function parsePageBranding(stored: unknown): PageBranding {
  const b = readBranding(stored);
  return {
    logoUrl: b.logoUrl ?? null,
    primaryColor: b.primaryColor ?? DEFAULT_PRIMARY_COLOUR,
    unsubscribeMailto: b.unsubscribeMailto ?? null,
    ...(b.pageStrings ? { pageStrings: b.pageStrings } : {}),
  };
}

type Rgb = [number, number, number];

function toRgb(hex: string): Rgb {
  const h = hex.slice(1);
  const full = h.length === 3 ? [...h].map((c) => c + c).join("") : h;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as Rgb;
}

const toHex = (rgb: Rgb) => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;

/** WCAG 2 relative luminance. */
function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [luminance(toRgb(a)), luminance(toRgb(b))];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * The page's colours from the brand's primary colour, each pair at least 4.5:1 (WCAG AA): a
 * light brand colour is darkened until it reads on white, and button text is white or black,
 * whichever contrasts more (one of the two always reaches 4.5:1).
 */
export function pageColours(primary: string): { accent: string; button: string; buttonText: string } {
  let rgb = toRgb(primary);
  for (let i = 0; i < 40 && contrastRatio(toHex(rgb), "#ffffff") < 4.5; i++) rgb = rgb.map((v) => v * 0.92) as Rgb;
  const accent = toHex(rgb);
  const button = toHex(toRgb(primary));
  const buttonText = contrastRatio(button, "#ffffff") >= contrastRatio(button, "#000000") ? "#ffffff" : "#000000";
  return { accent, button, buttonText };
}
