/**
 * When the WAL can start over (SPEC ST61, ST64): the checkpointer's decision
 * after each of its worker's PASSIVE checkpoints, as a pure function.
 *
 * A PASSIVE checkpoint reports `log`, the WAL's frames when it began, and
 * `checkpointed`, how many of those it copied. Frames the writer commits
 * while it copies are in neither, so "log - checkpointed" is 0 almost always,
 * even under steady writes that never leave the WAL fully copied at the
 * moment the writer begins its next transaction, which is what SQLite needs
 * to start the WAL over. Reading that 0 as "nothing left", the checkpointer
 * never held the writer, and at 14-17k messages a second the WAL grew by
 * ~36,000 frames a second, to 1 GiB in one benchmark phase and 1.8 GiB in
 * another, until the load paused (bench/README.md, "The WAL grew without
 * bound under steady load").
 *
 * What is left after a checkpoint is what was committed while it ran; the
 * next checkpoint's `log` tells how much arrived between the two starts.
 * So past `restartFrames` the checkpoints go back to back, each copying only
 * what came during the one before, until one finds at most `finishFrames`
 * new; then the writer is held while the worker copies that last remainder,
 * and the writer's next transaction starts the WAL over.
 */

export interface CheckpointReading {
  /** Frames in the WAL when the checkpoint began. */
  log: number;
  /** Of those, frames copied into the database file. */
  checkpointed: number;
}

export interface RestartLimits {
  /** Past this many frames the WAL should start over. */
  restartFrames: number;
  /** Frames left to copy for which the writer may be held. */
  finishFrames: number;
}

/**
 * "wait": nothing to do until the next checkpoint is due. "again": checkpoint
 * at once, to catch up. "finish": hold the writer for one last checkpoint.
 */
export type RestartStep = "wait" | "again" | "finish";

/**
 * `previousLog` is the `log` of the checkpoint before this one (0 for the
 * first). A `log` below it means the WAL started over in between, and
 * everything in it arrived since.
 */
export function nextRestartStep(
  reading: CheckpointReading,
  previousLog: number,
  limits: RestartLimits,
): RestartStep {
  if (reading.log < limits.restartFrames) return "wait";
  const arrived = reading.log >= previousLog ? reading.log - previousLog : reading.log;
  // Frames this checkpoint could not copy (a reader held them), plus what
  // came while it ran, estimated by what came while the one before it ran.
  const left = reading.log - reading.checkpointed + arrived;
  return left <= limits.finishFrames ? "finish" : "again";
}
