/**
 * `switchboard`: serve a hub, or act as one device of one account. Every
 * error ends as one line on stderr and a non-zero exit code.
 */
import { Command, CommanderError } from "commander";
import { addClientCommands } from "./commands/clientCommands.js";
import { addContentCommands } from "./commands/contentCommands.js";
import { addDeviceCommands } from "./commands/deviceCommands.js";
import { addPeopleCommands } from "./commands/peopleCommands.js";
import { addExpiryCommands } from "./commands/expiryCommands.js";
import { addFileCommands } from "./commands/fileCommands.js";
import { addServeCommand } from "./commands/serve.js";
import { addStatusCommands } from "./commands/statusCommands.js";
import { describeError } from "./describeError.js";

const program = new Command("switchboard")
  .description("End-to-end encrypted messaging across apps, through one hub.")
  .showHelpAfterError()
  .exitOverride();

addServeCommand(program);
addClientCommands(program);
addContentCommands(program);
addDeviceCommands(program);
addStatusCommands(program);
addPeopleCommands(program);
addExpiryCommands(program);
addFileCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode);
  }
  process.stderr.write(`switchboard: ${describeError(err)}\n`);
  process.exit(1);
}
