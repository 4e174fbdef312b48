import { DashboardShell, type DashboardSection, type ShellSession } from "./layout";

/** A page that has nothing to show but a sentence: an unknown notification, a bad cursor. */
export function DashboardMessage({
  nonce,
  session,
  current,
  title,
  body,
  link,
}: {
  nonce: string;
  session?: ShellSession;
  current?: DashboardSection;
  title: string;
  body: string;
  link?: { href: string; text: string };
}) {
  return (
    <DashboardShell title={title} nonce={nonce} {...(session ? { session } : {})} {...(current ? { current } : {})}>
      <section class="card" aria-labelledby="message-title">
        <h1 id="message-title">{title}</h1>
        <p>{body}</p>
        {link ? (
          <p>
            <a href={link.href}>{link.text}</a>
          </p>
        ) : null}
      </section>
    </DashboardShell>
  );
}
