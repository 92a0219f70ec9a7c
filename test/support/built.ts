// A module of the built code (dist/; `npm test` builds first): what runs on worker threads exists
// only there, since a thread runs JavaScript and the sources are TypeScript run through a loader.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = join(import.meta.dirname, '..', '..', 'dist');

export async function built<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(dist, path)).href)) as T;
}
