/** swagger-ui-dist's files as text: wrangler's `*?raw` Text rule (wrangler.toml), Vite's own `?raw` under vitest. */
declare module "swagger-ui-dist/*?raw" {
  const text: string;
  export default text;
}
