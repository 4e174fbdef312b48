/**
 * templates/digest.liquid's subject: "{{ total }} new update(s) from {{ brand.name }}", the number
 * grouped in the recipient's locale ("1,000", "1.000", "1 000").
 */
const DIGEST_SUBJECT = /^(\d[\d.,\s]*) new updates? from /;

/**
 * What the SendGrid fake accepted, reduced to notification id → receipt times (a digest email
 * carries its digest's id there), and, for digests, the item count its subject announces. The fake's records
 * hold whole request bodies (several KiB each), so they are moved out of it as they arrive
 * rather than kept for 50,000 messages.
 * @param {{ received: { receivedAt: number, body: any }[] }} fake
 */
export function createReceipts(fake) {
  /** @type {Map<string, number[]>} */
  const byId = new Map();
  /** @type {Map<string, number>} digest id → the total its email's subject gives */
  const digestTotals = new Map();
  let total = 0;
  let withoutId = 0;

  function drain() {
    // splice in place: the fake keeps appending to the same array.
    for (const m of fake.received.splice(0)) {
      total++;
      const id = m.body?.custom_args?.tidings_notification_id;
      if (typeof id !== "string") {
        withoutId++;
        continue;
      }
      const announced = DIGEST_SUBJECT.exec(String(m.body?.subject ?? ""));
      if (announced) digestTotals.set(id, Number(announced[1].replace(/\D/g, "")));
      const times = byId.get(id);
      if (times) times.push(m.receivedAt);
      else byId.set(id, [m.receivedAt]);
    }
  }

  return {
    drain,
    byId,
    digestTotals,
    get total() {
      return total;
    },
    get withoutId() {
      return withoutId;
    },
  };
}
