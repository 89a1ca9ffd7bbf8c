/**
 * Several hub nodes on one PostgreSQL and one NATS (issue 5). Real processes
 * (`switchboard serve --db postgres://... --nats nats://...`), real SDK
 * clients. PostgreSQL and NATS are the test's own (privateServices.ts) so they
 * can be restarted under load without disturbing other test files.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProtocolError } from "@switchboard/protocol";
import { eventually, newClient, texts, type TestDevice } from "../../../client/test/scenario/harness.js";
import { RpcSession } from "../../../client/src/session/rpc.js";
import { createWebSocketTransport } from "../../../client/src/transport/wsTransport.js";
import { signChallenge } from "../../../client/src/identity/deviceKeys.js";
import { createTsMlsEngine } from "../../../client/src/mls/index.js";
import { generateHubSigningKey } from "../../../server/src/mls/hubSender.js";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { CLI, PROCESS_TEST_TIMEOUT_MS, freePort, spawnHub, type HubProcess } from "../hubProcess.js";
import { PrivateNats, PrivatePostgres, privateServicesMissing } from "../../../../devkit/privateServices.js";

const missing = privateServicesMissing();
if (missing && process.env.CI === "true") throw new Error(`cluster tests cannot run in CI: ${missing}`);
if (missing) console.warn(`\n!!! SKIPPING cluster tests: ${missing} (install postgresql and nats-server)\n`);

describe.skipIf(missing !== undefined)("a cluster of hub nodes on PostgreSQL and NATS", () => {
  let postgres: PrivatePostgres;
  let nats: PrivateNats;
  const nodes: HubProcess[] = [];
  const devices: TestDevice[] = [];
  let n = 0;
  const hubKey = Buffer.from(generateHubSigningKey().privateKey).toString("base64");

  beforeAll(async () => {
    postgres = await PrivatePostgres.start();
    nats = await PrivateNats.start();
    // Both nodes start at once: migrations must cope (advisory lock). Every
    // node is given the same hub key (ST27): it is not in the database.
    const ports = [await freePort(), await freePort(), await freePort()];
    nodes.push(
      ...(await Promise.all(
        ports.map((port) =>
          spawnHub(port, postgres.url, { nats: nats.url, env: { SWITCHBOARD_HUB_KEY: hubKey } }),
        ),
      )),
    );
  }, PROCESS_TEST_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(devices.map((d) => d.client.close().catch(() => {})));
    await Promise.all(nodes.map((node) => node.kill("SIGTERM")));
    await nats?.close();
    await postgres?.close();
  }, PROCESS_TEST_TIMEOUT_MS);

  /** A new account whose device uses these nodes, the first one first. */
  async function device(handle: string, on: HubProcess[]): Promise<TestDevice> {
    const d = await newClient({ random: () => 0 });
    devices.push(d);
    await d.client.register(
      on.map((node) => node.url),
      `${handle}${++n}@instagram`,
    );
    await d.client.connect();
    return d;
  }

  it(
    "`switchboard migrate` brings a fresh database (PostgreSQL or SQLite) to the current schema, once",
    async () => {
      const migrate = async (db: string) =>
        (await promisify(execFile)(process.execPath, [CLI, "migrate", "--db", db], { timeout: 60_000 }))
          .stdout;
      const admin = new pg.Client({ connectionString: postgres.url });
      await admin.connect();
      await admin.query("CREATE DATABASE migrate_fresh");
      await admin.end();
      const fresh = postgres.url.replace(/\/postgres$/, "/migrate_fresh");
      expect(await migrate(fresh)).toMatch(/schema migrated from version 0 to [1-9]/);
      expect(await migrate(fresh)).toMatch(/schema is up to date/);
      // The cluster's own database was migrated by the nodes as they started.
      expect(await migrate(postgres.url)).toMatch(/schema is up to date/);
      const dir = mkdtempSync(join(tmpdir(), "switchboard-migrate-"));
      try {
        expect(await migrate(join(dir, "hub.db"))).toMatch(/schema migrated from version 0 to [1-9]/);
        expect(await migrate(join(dir, "hub.db"))).toMatch(/schema is up to date/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[ST27] a node given another hub key than the cluster's refuses to start, saying why",
    async () => {
      const other = Buffer.from(generateHubSigningKey().privateKey).toString("base64");
      const refused = spawnHub(await freePort(), postgres.url, {
        nats: nats.url,
        env: { SWITCHBOARD_HUB_KEY: other },
      });
      await expect(refused).rejects.toThrow(
        /switchboard: the hub key from SWITCHBOARD_HUB_KEY is not the one this database's groups name/,
      );
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[SO1] devices on different nodes exchange direct and group messages in real time",
    async () => {
      const [one, two, three] = nodes as [HubProcess, HubProcess, HubProcess];
      const alice = await device("alice", [one]);
      const bob = await device("bob", [two]);
      const carol = await device("carol", [three]);
      const direct = (await alice.client.sendText(bob.client.address, "hi from node 1")).conversationId;
      await eventually(() => texts(bob.received, direct).includes("hi from node 1"), "bob on node 2");
      await bob.client.sendText(direct, "hi from node 2");
      await eventually(() => texts(alice.received, direct).includes("hi from node 2"), "alice on node 1");

      const group = await carol.client.createGroup("three nodes", [alice.client.address, bob.client.address]);
      await carol.client.sendText(group, "from node 3");
      await eventually(
        () =>
          texts(alice.received, group).includes("from node 3") &&
          texts(bob.received, group).includes("from node 3"),
        "the group across nodes",
      );
      for (const d of [alice, bob, carol]) expect(d.errors).toEqual([]);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[SO2] a node killed with SIGKILL under load: its clients move to another node, no acknowledged message is lost or shown twice",
    async () => {
      const [one, two] = nodes as [HubProcess, HubProcess];
      // Alice is on node 1 first and knows node 2; bob is on node 2.
      const alice = await device("alice", [one, two]);
      const bob = await device("bob", [two]);
      const direct = await alice.client.openDirect(bob.client.address);
      const total = 200;
      const acked: string[] = [];
      const sending = (async () => {
        for (let i = 0; i < total; i++) {
          try {
            await alice.client.sendText(direct, `m${i}`);
            acked.push(`m${i}`);
          } catch {
            // Left in the outbox: resent (same id) once alice is connected again.
          }
        }
      })();
      await eventually(() => acked.length >= 50, "50 acknowledged messages before the kill");
      await one.kill("SIGKILL");
      await sending;
      await alice.client.sync();
      const sent = Array.from({ length: total }, (_, i) => `m${i}`);
      await eventually(() => new Set(texts(bob.received, direct)).size === total, "every message at bob");
      const atBob = texts(bob.received, direct);
      expect(atBob.length).toBe(total); // none twice
      expect([...atBob].sort()).toEqual([...sent].sort());
      for (const text of acked) expect(atBob).toContain(text);
      expect(await alice.client.messages(direct)).toHaveLength(total);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[SO3] conflicting commits for one epoch reach two nodes at once: exactly one wins",
    async () => {
      const [, two, three] = nodes as [HubProcess, HubProcess, HubProcess];
      const alice = await device("alice", [two]);
      const bob = await device("bob", [three]);
      const group = await alice.client.createGroup("race", [bob.client.address]);
      await eventually(
        async () => (await bob.client.conversations()).some((c) => c.id === group),
        "bob joined",
      );
      await bob.client.sync();
      await alice.client.sync();
      const engine = await createTsMlsEngine({ crypto: "node" });
      const commits = await Promise.all(
        [alice, bob].map(async (d) => {
          const identity = (await d.store.getIdentity())!;
          const conversation = (await d.store.getConversation(group))!;
          const pending = await engine.createCommit(identity, engine.loadState(conversation.groupState), {
            add: [],
            removeDeviceIds: [],
          });
          return { identity, pending };
        }),
      );
      expect(commits[0]!.pending.epoch).toBe(commits[1]!.pending.epoch);
      const sessions = await Promise.all(
        [two, three].map(async (node, i) => {
          const { session, challenge } = await RpcSession.open(createWebSocketTransport(node.url), {
            onPush: () => {},
            onClose: () => {},
          });
          const { identity } = commits[i]!;
          await session.call("authenticate", {
            deviceId: identity.deviceId,
            signature: signChallenge(identity.signaturePrivateKey, challenge),
          });
          return session;
        }),
      );
      const results = await Promise.allSettled(
        commits.map(({ pending }, i) =>
          sessions[i]!.call("commit", {
            conversationId: group,
            clientMessageId: `race-${i}`,
            epoch: BigInt(pending.epoch),
            commit: pending.commit,
            welcome: new Uint8Array(),
            groupInfo: pending.groupInfo,
          }),
        ),
      );
      for (const s of sessions) s.close();
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r) => r.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const reason = (lost[0] as PromiseRejectedResult).reason as unknown;
      expect(reason).toBeInstanceOf(ProtocolError);
      expect((reason as ProtocolError).code).toBe("EPOCH_CONFLICT");
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[SO4] PostgreSQL restarted under load: the nodes recover by themselves, nothing is lost",
    async () => {
      const [, two, three] = nodes as [HubProcess, HubProcess, HubProcess];
      const alice = await device("alice", [two]);
      const bob = await device("bob", [three]);
      const direct = await alice.client.openDirect(bob.client.address);
      const total = 60;
      let failures = 0;
      const sending = (async () => {
        for (let i = 0; i < total; i++) {
          try {
            await alice.client.sendText(direct, `p${i}`);
          } catch {
            failures++;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      })();
      await eventually(
        async () => (await alice.client.messages(direct)).some((m) => m.seq !== null),
        "sending",
      );
      postgres.stopServer();
      await new Promise((r) => setTimeout(r, 1500));
      postgres.startServer();
      await sending;
      // Whatever failed is in alice's outbox and goes out on her next sync.
      await eventually(async () => {
        await alice.client.sync().catch(() => {});
        return new Set(texts(bob.received, direct)).size === total;
      }, "every message at bob after the restart");
      expect(texts(bob.received, direct)).toHaveLength(total);
      expect(failures).toBeGreaterThanOrEqual(0);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[SO5] NATS restarted: real-time delivery resumes, and what a device missed comes by the sync the nodes ask for",
    async () => {
      const [, two, three] = nodes as [HubProcess, HubProcess, HubProcess];
      const alice = await device("alice", [two]);
      const bob = await device("bob", [three]);
      const direct = (await alice.client.sendText(bob.client.address, "before")).conversationId;
      await eventually(() => texts(bob.received, direct).includes("before"), "bob");
      await nats.stopServer();
      for (const text of ["during 1", "during 2"]) await alice.client.sendText(direct, text);
      await nats.startServer();
      // Nothing more is sent, and bob never calls sync: what he missed comes
      // because his node tells its devices to sync once its NATS link is back.
      await eventually(() => texts(bob.received, direct).includes("during 2"), "what bob missed");
      // And pushes flow again in real time.
      await alice.client.sendText(direct, "after");
      await eventually(
        () => texts(bob.received, direct).includes("after"),
        "real-time delivery after the restart",
      );
      const atBob = texts(bob.received, direct);
      expect(atBob.slice(0, 3)).toEqual(["before", "during 1", "during 2"]);
      expect(new Set(atBob).size).toBe(atBob.length);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
