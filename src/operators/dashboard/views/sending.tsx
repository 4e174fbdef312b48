import type { SendingSnapshot } from "../../../followup/sending-state";
import { Time } from "./format";
import { GuardRatesTable } from "./guard-rates";
import { DashboardShell, type ShellSession } from "./layout";

type Props = { nonce: string; session: ShellSession; state: SendingSnapshot; csrf?: string; notice?: string };

/** The bounce guard's state, what waits to be sent, and (for admins) the resume button. */
export function SendingPage({ nonce, session, state, csrf, notice }: Props) {
  return (
    <DashboardShell title="Sending" nonce={nonce} session={session} current="sending">
      <h1>Sending</h1>
      {notice ? (
        <p class="ok" role="status">
          {notice}
        </p>
      ) : null}
      <section class="card" aria-labelledby="state-title">
        <h2 id="state-title">State</h2>
        {state.rates.pausedAt ? (
          <p class="bad" data-sending="paused">
            <strong>Paused</strong> since <Time at={state.rates.pausedAt} />: {state.rates.pausedReason ?? "no reason recorded"}. Critical mail still goes.
          </p>
        ) : (
          <p data-sending="active">
            <strong>Active</strong>: the bounce-rate guard has not paused sending.
          </p>
        )}
        <p>
          <strong data-held={state.held}>{state.held}</strong> {state.held === 1 ? "email is" : "emails are"} held by a pause.
          {state.rates.resumedAt ? (
            <>
              {" "}
              Last resumed <Time at={state.rates.resumedAt} />.
            </>
          ) : null}
        </p>
        {csrf ? (
          <form method="post" action="/dashboard/sending/resume" class="actions">
            <input type="hidden" name="csrf" value={csrf} />
            <p class="hint" id="resume-hint">
              Ends the pause and sends what it held. From then on the guard judges only mail sent after the resume: clean the list first.
            </p>
            <button type="submit" aria-describedby="resume-hint">
              Resume sending
            </button>
          </form>
        ) : (
          <p class="muted">Only an admin key may resume sending.</p>
        )}
      </section>
      <section class="card" aria-labelledby="guard-title">
        <h2 id="guard-title">Bounce guard</h2>
        <GuardRatesTable labelledBy="guard-title" guard={state.guard} rates={state.rates} />
      </section>
      <section class="card" aria-labelledby="queue-title">
        <h2 id="queue-title">On the way</h2>
        <dl class="facts">
          <dt>Notifications pending</dt>
          <dd>{state.queue.notifications.pending}</dd>
          <dt>Notifications queued</dt>
          <dd>{state.queue.notifications.queued}</dd>
          <dt>Notifications sending</dt>
          <dd>{state.queue.notifications.sending}</dd>
          <dt>Digests queued or sending</dt>
          <dd>{state.queue.digests.queued + state.queue.digests.sending}</dd>
          <dt>Oldest waiting</dt>
          <dd>{state.queue.oldestWaitingSeconds === null ? "nothing waits" : `${state.queue.oldestWaitingSeconds} s`}</dd>
        </dl>
      </section>
    </DashboardShell>
  );
}
