import type { EventTypeView } from "../../event-type-store";
import type { NotificationRuleView } from "../../notification-rules-schema";
import { TableRegion } from "./format";

const UNITS = [
  [86_400, "d"],
  [3_600, "h"],
  [60, "min"],
] as const;

function windowText(seconds: number): string {
  const unit = UNITS.find(([size]) => seconds % size === 0);
  return unit ? `${seconds / unit[0]} ${unit[1]}` : `${seconds} s`;
}

export function throttleText(throttle: NotificationRuleView["throttle"]): string {
  if (!throttle) return "none";
  return `${throttle.limit} per ${windowText(throttle.windowSeconds)}, then ${throttle.overflow}`;
}

/**
 * The event types that have rules, each with its rules in evaluation order. Read-only: rules are
 * saved through PUT /v1/event-types/{type}, where their conditions are checked.
 */
export function EventTypeRules({ eventTypes }: { eventTypes: EventTypeView[] }) {
  const withRules = eventTypes.filter((e) => e.rules.length > 0);
  return (
    <section class="card" aria-labelledby="event-type-rules-title">
      <h2 id="event-type-rules-title">Rules</h2>
      {withRules.length === 0 ? (
        <p class="note">{"No event type has rules: each sends one email per recipient with its own template. Rules are set with PUT /v1/event-types/{type}."}</p>
      ) : (
        <TableRegion
          labelledBy="event-type-rules-title"
          note="One notification per matching rule and recipient; a rule without a condition matches everyone. Set with PUT /v1/event-types/{type}."
        >
          <table>
            <thead>
              <tr>
                <th scope="col">Event type</th>
                <th scope="col">Rule</th>
                <th scope="col">Template</th>
                <th scope="col">Category</th>
                <th scope="col">Priority</th>
                <th scope="col">Critical</th>
                <th scope="col">Condition</th>
                <th scope="col">Throttle</th>
              </tr>
            </thead>
            <tbody>
              {withRules.flatMap((e) =>
                e.rules.map((r) => (
                  <tr>
                    <td>{e.key}</td>
                    <th scope="row">{r.key}</th>
                    <td>{r.template}</td>
                    <td>{r.category}</td>
                    <td>{r.priority}</td>
                    <td>{r.critical ? "yes" : "no"}</td>
                    <td>{r.condition === null ? "every recipient" : <code>{r.condition}</code>}</td>
                    <td>{throttleText(r.throttle)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </TableRegion>
      )}
    </section>
  );
}
