import type { CommandIo } from '../io';
import { dataDir } from '../paths';
import { stopServices } from '../services';
import { isAlive, readUpState, stopChildren, writeUpState } from './processes';

/** Stops a running `./epoch up` (its apps) and Epoch's own Postgres and Redis under the data folder. */
export async function runDownCommand(io: CommandIo): Promise<number> {
  const data = dataDir();
  const state = readUpState(data);
  if (state) {
    if (isAlive(state.pid)) {
      try {
        process.kill(state.pid, 'SIGTERM');
      } catch {
        /* raced */
      }
    }
    await stopChildren(Object.values(state.children));
    writeUpState(data, null);
    io.err('epoch down: stopped web, API and grader');
  }
  stopServices(data, { postgres: true, redis: true });
  io.err('epoch down: stopped Postgres and Redis (if they were running)');
  return 0;
}
