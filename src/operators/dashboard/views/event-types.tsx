import type { EventTypeView } from "../../event-type-store";
import { EventTypeRules } from "./event-type-rules";
import { TableRegion } from "./format";
import { DashboardShell, type ShellSession } from "./layout";

type Props = {
  nonce: string;
  session: ShellSession;
  eventTypes: EventTypeView[];
  /** Keys of the templates with a published version: the only ones an event type may use. */
  templates: string[];
  /** Set for editors and admins only: without it the page has no form. */
  csrf: string | undefined;
  notice?: string | undefined;
  /** A refused change: which event type (or "new") and why. */
  refusal?: { key: string; message: string } | undefined;
};

const yesNo = (b: boolean) => (b ? "yes" : "no");

function EventTypeForm({ csrf, templates, current, refusal }: { csrf: string; templates: string[]; current: EventTypeView | undefined; refusal: string | undefined }) {
  const p = current ? `et-${current.key}` : "et-new";
  const title = current ? `Change ${current.key}` : "Add an event type";
  return (
    <form method="post" action="/dashboard/event-types" class="card" aria-labelledby={`${p}-title`}>
      <h2 id={`${p}-title`}>{title}</h2>
      {refusal ? (
        <p class="error" role="alert">
          {refusal}
        </p>
      ) : null}
      <input type="hidden" name="csrf" value={csrf} />
      {current ? (
        <input type="hidden" name="key" value={current.key} />
      ) : (
        <div class="field">
          <label for={`${p}-key`}>Event type</label>
          <p class="hint" id={`${p}-key-hint`}>
            What POST /v1/events names it, e.g. invoice.paid.
          </p>
          <input type="text" class="code" id={`${p}-key`} name="key" aria-describedby={`${p}-key-hint`} />
        </div>
      )}
      <div class="field">
        <label for={`${p}-template`}>Template</label>
        <select id={`${p}-template`} name="template">
          {templates.map((t) => (
            <option value={t} selected={t === current?.template}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${p}-category`}>Category</label>
        <p class="hint" id={`${p}-category-hint`}>
          The preference recipients opt in or out of, e.g. comments.
        </p>
        <input type="text" class="code" id={`${p}-category`} name="category" value={current?.category ?? ""} aria-describedby={`${p}-category-hint`} />
      </div>
      <div class="field">
        <label for={`${p}-priority`}>Priority</label>
        <select id={`${p}-priority`} name="priority">
          {(["normal", "high"] as const).map((v) => (
            <option value={v} selected={v === (current?.priority ?? "normal")}>
              {v}
            </option>
          ))}
        </select>
      </div>
      <div class="field check">
        <input type="checkbox" id={`${p}-critical`} name="critical" value="on" checked={current?.critical ?? false} />{" "}
        <label for={`${p}-critical`}>Critical: sent whatever the preferences, without an unsubscribe link</label>
      </div>
      <div class="field check">
        <input type="checkbox" id={`${p}-retain`} name="retainContent" value="on" checked={current?.retainContent ?? true} />{" "}
        <label for={`${p}-retain`}>Keep the event data for the retention period</label>
      </div>
      <button type="submit">{current ? `Save ${current.key}` : "Add event type"}</button>
    </form>
  );
}

/** The event types with their template, category, priority and critical flag; editors change them here. */
export function EventTypesPage({ nonce, session, eventTypes, templates, csrf, notice, refusal }: Props) {
  return (
    <DashboardShell title="Event types" nonce={nonce} session={session} current="event-types">
      <h1>Event types</h1>
      <section class="card" aria-labelledby="event-types-title">
        <h2 id="event-types-title">Event types</h2>
        {notice ? (
          <p class="notice" role="status">
            {notice}
          </p>
        ) : null}
        <TableRegion labelledBy="event-types-title" note="What POST /v1/events accepts and how each type is sent.">
          <table>
            <thead>
              <tr>
                <th scope="col">Event type</th>
                <th scope="col">Template</th>
                <th scope="col">Category</th>
                <th scope="col">Priority</th>
                <th scope="col">Critical</th>
                <th scope="col">Keeps data</th>
                <th scope="col">Rules</th>
              </tr>
            </thead>
            <tbody>
              {eventTypes.map((e) => (
                <tr>
                  <th scope="row">{e.key}</th>
                  <td>{e.template}</td>
                  <td>{e.category}</td>
                  <td>{e.priority}</td>
                  <td>{yesNo(e.critical)}</td>
                  <td>{yesNo(e.retainContent)}</td>
                  <td>{e.rules.length === 0 ? "its own" : e.rules.map((r) => r.key).join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      </section>
      <EventTypeRules eventTypes={eventTypes} />
      {csrf ? (
        <>
          {eventTypes.map((e) => (
            <EventTypeForm csrf={csrf} templates={templates} current={e} refusal={refusal?.key === e.key ? refusal.message : undefined} />
          ))}
          <EventTypeForm csrf={csrf} templates={templates} current={undefined} refusal={refusal?.key === "" ? refusal.message : undefined} />
        </>
      ) : null}
    </DashboardShell>
  );
}
