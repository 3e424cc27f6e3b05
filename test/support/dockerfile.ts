/** One stage of a Dockerfile, as much of it as the deploy tests read. */
export interface Stage {
  from: string;
  workdir: string;
  /** Each command of each RUN (`a && b` is two). */
  run: string[];
  copies: { from?: string; sources: string[]; dest: string }[];
  env: Record<string, string>;
  user?: string;
  expose: string[];
  cmd: string[];
  healthcheck: string[];
}

/** The stages of a Dockerfile: continuation lines joined, comments dropped, exec-form (JSON) CMDs. */
export function readDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\n\s*/g, '').split('\n').filter((line) => line.trim() && !line.trim().startsWith('#'));
  for (const line of lines) {
    const [, instruction, rest] = /^(\w+)\s+(.*)$/.exec(line.trim())!;
    if (instruction === 'FROM') {
      stages.push({ from: rest!, workdir: '/', run: [], copies: [], env: {}, expose: [], cmd: [], healthcheck: [] });
      continue;
    }
    const stage = stages.at(-1)!;
    switch (instruction) {
      case 'WORKDIR':
        stage.workdir = rest!;
        break;
      case 'RUN':
        stage.run.push(...rest!.split(/\s*&&\s*/));
        break;
      case 'COPY': {
        const words = rest!.split(/\s+/);
        const from = words[0]!.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
        stage.copies.push({ from, sources: words.slice(0, -1), dest: words.at(-1)! });
        break;
      }
      case 'ENV':
        for (const [, name, value] of rest!.matchAll(/(\w+)=(\S+)/g)) stage.env[name!] = value!;
        break;
      case 'USER':
        stage.user = rest;
        break;
      case 'EXPOSE':
        stage.expose.push(...rest!.split(/\s+/));
        break;
      case 'CMD':
        stage.cmd = JSON.parse(rest!) as string[];
        break;
      case 'HEALTHCHECK':
        stage.healthcheck = JSON.parse(/CMD\s+(\[.*\])$/.exec(rest!)![1]!) as string[];
        break;
    }
  }
  return stages;
}

/**
 * The files and folders a runtime stage copies, as paths in the project (a stage's sources are read
 * relative to its WORKDIR, `/app` in the build stage): what the production install needs beside node_modules.
 */
export function runtimeFiles(stage: Stage): string[] {
  return stage.copies.flatMap((copy) => copy.sources.map((source) => source.replace(/^\/app\//, '')));
}
