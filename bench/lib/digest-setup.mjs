/**
 * The digest scenario's organisation defaults, set through the public API as an operator would:
 * comments and project completions fold into windows; deadlines (the `tasks` category, high
 * priority) stay immediate, as a team would want them.
 * @param {{ port: number, apiKey: string, minutes: number, maxItems: number, burst: boolean }} options
 */
export async function setDigestDefaults({ port, apiKey, minutes, maxItems, burst }) {
  const digest = { delivery: "digest", digest: { kind: "window", minutes, maxItems, burst } };
  const response = await fetch(`http://127.0.0.1:${port}/v1/preference-defaults`, {
    method: "PUT",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ categories: { comments: digest, projects: digest, tasks: { delivery: "immediate" } } }),
  });
  if (!response.ok) throw new Error(`PUT /v1/preference-defaults answered ${response.status}: ${await response.text()}`);
}
