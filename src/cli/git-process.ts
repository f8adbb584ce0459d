import { execFile } from 'node:child_process';

/*
 * One git command in DIR, its standard output; rejects when git fails or is missing, with what
 * git said (its stderr's first line, without "fatal: "). What plan asks Git on every run goes
 * this way, not through simple-git: loading simple-git costs the client's one thread about
 * 20 ms, and plan of 10 hosts lasts about half a second (bench/plan-fleet). simple-git stays for
 * what only some runs ask (--ref, --base).
 */
export function gitOutput(dir: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 }, (error, stdout, stderr) => {
      if (!error) resolve(stdout);
      else reject(new Error((stderr.trim() || error.message).split('\n')[0]!.replace(/^fatal: /, '')));
    });
  });
}
