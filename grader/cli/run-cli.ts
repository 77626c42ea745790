// Shared ending of every command: usage and infrastructure errors print one
// clear line and exit with 2, as the grader's exit codes promise.
import { CommanderError } from 'commander';

export async function runCli(main: () => Promise<number | void>): Promise<void> {
  // Whatever escapes (an error event nobody listened to, a rejected promise)
  // is an infrastructure error too: exit 2, never Node's own 1 or 7.
  const crash = (error: unknown) => {
    console.error(`error: the grader itself failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  };
  // tfjs's WebAssembly runtime, if already loaded, installed handlers that
  // rethrow, which would end the process with Node's exit code 7.
  process.removeAllListeners('uncaughtException');
  process.removeAllListeners('unhandledRejection');
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  try {
    process.exitCode = (await main()) ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  }
}
