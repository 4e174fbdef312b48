/** Liquid files are bundled as text (wrangler `[[rules]] type = "Text"`, a Vite plugin under vitest). */
declare module "*.liquid" {
  const source: string;
  export default source;
}
