/** The Dockerfile, checked statically: multi-stage, production dependencies only, non-root. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './compose-file';

const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const stages = instructions.reduce<string[][]>((acc, line) => {
  if (/^FROM\s/i.test(line)) acc.push([]);
  acc.at(-1)?.push(line);
  return acc;
}, []);

describe('Dockerfile', () => {
  it('builds in one stage and runs from another', () => {
    expect(stages).toHaveLength(2);
    expect(stages[0][0]).toMatch(/ AS build$/);
    expect(stages[0]).toContainEqual(expect.stringMatching(/^RUN npm ci\b/));
    expect(stages[0]).toContainEqual(expect.stringMatching(/npm run build && node dist\/worker\.js bundle/));
  });

  it('installs production dependencies only in the runtime stage, from the lock file', () => {
    const runtime = stages[1];
    expect(runtime).toContainEqual(expect.stringMatching(/^RUN npm ci --omit=dev\b/));
    expect(runtime).toContainEqual('COPY package.json package-lock.json ./');
    expect(runtime).toContainEqual('COPY --from=build /app/dist ./dist');
    expect(runtime.some((line) => /^COPY (src|\.)\b/.test(line))).toBe(false);
  });

  it('runs as a non-root user on a glibc image (the SDK core is not built for musl)', () => {
    const runtime = stages[1];
    const user = runtime.filter((line) => line.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)\b/);
    const base = instructions.find((line) => line.startsWith('ARG NODE_IMAGE='));
    expect(base).toMatch(/^ARG NODE_IMAGE=node:20-(bookworm|bullseye)(-slim)?$/);
    expect(stages.map((stage) => stage[0])).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE} AS runtime']);
  });

  it('keeps local secrets, dependencies and build output out of the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.env', '.env.*', 'node_modules', 'dist', '.git']));
  });
});
