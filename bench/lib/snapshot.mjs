import { cp, symlink } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";

/** What the Worker and its migrations are built from. */
const APP_ENTRIES = ["src", "templates", "drizzle", "wrangler.toml", "package.json", "tsconfig.json"];

/**
 * Copies the Worker's sources into `dir` and links node_modules, so the run measures the code as
 * it was when the bench started: `wrangler dev` rebuilds and restarts on every file change (it
 * has no option not to), and a restart mid-run drops the local queues' messages, which would
 * show up as lost mail. A developer's .dev.vars and .wrangler state stay out of it too.
 * @param {string} root  the repository
 * @param {string} dir   an empty temporary folder
 * @returns {Promise<string>} the copy's root
 */
export async function snapshotApp(root, dir) {
  const app = path.join(dir, "app");
  for (const entry of APP_ENTRIES) {
    if (existsSync(path.join(root, entry))) await cp(path.join(root, entry), path.join(app, entry), { recursive: true });
  }
  await symlink(path.join(root, "node_modules"), path.join(app, "node_modules"), "dir");
  return app;
}
