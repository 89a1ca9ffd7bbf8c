import { describe, expect, it } from "vitest";
import { nextRestartStep } from "../../src/store/sqlite/walRestart.js";

const limits = { restartFrames: 4096, finishFrames: 256 };

describe("when the WAL can start over (walRestart.ts, SPEC ST64)", () => {
  it("waits while the WAL is short of the restart size", () => {
    expect(nextRestartStep({ log: 4095, checkpointed: 4095 }, 0, limits)).toBe("wait");
    expect(nextRestartStep({ log: 100, checkpointed: 0 }, 90_000, limits)).toBe("wait");
  });

  it("[ST64] does not read a fully copied snapshot as nothing left: frames arrived since the last checkpoint began", () => {
    // Every frame the checkpoint saw is copied, but 3,600 more came in the
    // 100 ms before it: as many are likely to have come while it copied.
    expect(nextRestartStep({ log: 40_000, checkpointed: 40_000 }, 36_400, limits)).toBe("again");
  });

  it("holds the writer for the last frames once a checkpoint finds few new ones", () => {
    expect(nextRestartStep({ log: 40_000, checkpointed: 40_000 }, 39_800, limits)).toBe("finish");
    expect(nextRestartStep({ log: 40_000, checkpointed: 40_000 }, 39_744, limits)).toBe("finish");
    expect(nextRestartStep({ log: 40_000, checkpointed: 40_000 }, 39_743, limits)).toBe("again");
  });

  it("counts frames a reader kept from the checkpoint as left to copy", () => {
    expect(nextRestartStep({ log: 5000, checkpointed: 4800 }, 5000, limits)).toBe("finish");
    expect(nextRestartStep({ log: 5000, checkpointed: 4700 }, 5000, limits)).toBe("again");
  });

  it("after the WAL started over, counts all of it as new", () => {
    // log below the previous: the WAL began again in between.
    expect(nextRestartStep({ log: 4200, checkpointed: 4200 }, 90_000, limits)).toBe("again");
    expect(nextRestartStep({ log: 4200, checkpointed: 4200 }, 4100, limits)).toBe("finish");
  });
});
