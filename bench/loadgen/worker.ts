/**
 * A load generator process (forked by pool.ts with `node --import tsx`), so
 * clients never share the event loop of the system under test. It holds
 * every member of its conversations, so a send and its deliveries are timed
 * by one clock.
 */
import { BaselineConversation } from "./baselineLink.js";
import { startPacer, type Driven } from "./driver.js";
import { HubConversation } from "./hubLink.js";
import { inBatches, type ConversationLink } from "./link.js";
import type { FromWorker, PhaseReport, PhaseSpec, ToWorker, WorkerSetup } from "./messages.js";
import { PhaseRecorder } from "./recorder.js";
import { ConversationTracker } from "./tracker.js";

const OPEN_CONCURRENCY = 8;
const EXPIRE_EVERY_MS = 500;

let conversations: Driven[] = [];
let pacer: ReturnType<typeof startPacer> | undefined;

function tell(message: FromWorker): void {
  process.send!(message);
}

async function setup(s: WorkerSetup): Promise<void> {
  // Until a phase starts, nothing is measured (an empty window).
  const idle = new PhaseRecorder(0, 0);
  const nodes = s.urls.length;
  const numbered = s.conversations.map((plan, i) => ({ plan, node: (i + s.worker) % nodes }));
  conversations = await inBatches(numbered, OPEN_CONCURRENCY, async ({ plan, node }) => {
    // Completions only come once a phase runs, long after `driven` is set below.
    const tracker = new ConversationTracker(plan.members.length - 1, idle, () => pacer?.completed(driven));
    const onDelivery = (seq: number, at: number) => tracker.delivered(seq, at);
    const link: ConversationLink =
      s.system === "hub"
        ? await HubConversation.open(
            { sender: s.urls[node]!, receivers: s.urls[(node + 1) % nodes]! },
            plan,
            onDelivery,
          )
        : await BaselineConversation.open(s.urls[0]!, plan, onDelivery);
    const driven: Driven = { link, tracker };
    return driven;
  });
  setInterval(() => {
    const now = performance.now();
    for (const c of conversations) c.tracker.expire(now);
  }, EXPIRE_EVERY_MS).unref();
}

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));

async function runPhase(spec: PhaseSpec): Promise<PhaseReport> {
  const start = spec.startAt - performance.timeOrigin;
  const recorder = new PhaseRecorder(start + spec.warmupMs, start + spec.warmupMs + spec.measureMs);
  for (const c of conversations) c.tracker.recorder = recorder;
  await sleepUntil(start);
  pacer = startPacer(spec.shape, conversations);
  await sleepUntil(recorder.to);
  pacer.stop();
  pacer = undefined;
  const drainEnd = performance.now() + spec.drainMs;
  while (performance.now() < drainEnd && conversations.some((c) => c.tracker.measuredInFlight > 0)) {
    await sleepUntil(performance.now() + 20);
  }
  const undelivered = conversations.reduce((n, c) => n + c.tracker.measuredInFlight, 0);
  return recorder.report(undelivered);
}

process.on("message", (message: ToWorker) => {
  const fail = (err: unknown) =>
    tell({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  switch (message.type) {
    case "setup":
      setup(message.setup).then(() => tell({ type: "ready" }), fail);
      break;
    case "phase":
      runPhase(message.phase).then((report) => tell({ type: "report", report }), fail);
      break;
    case "stop":
      for (const c of conversations) c.link.close();
      // Let the close frames leave, then go.
      setTimeout(() => process.exit(0), 200);
      break;
  }
});
