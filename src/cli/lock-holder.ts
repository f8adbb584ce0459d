import { hostname, userInfo } from 'node:os';

/*
 * Who takes a host's lock, as the next run that waits for it will read it: the user and machine
 * running contiv, the command, and the commit when CI says which (GitHub Actions, GitLab CI,
 * Buildkite, Jenkins with Git) or the manifests' --ref.
 */
export function lockHolder(command: string, ref: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  let user = env['USER'] ?? '?';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for this uid (a container): the environment's word for it.
  }
  const commit = ref ?? env['GITHUB_SHA'] ?? env['CI_COMMIT_SHA'] ?? env['BUILDKITE_COMMIT'] ?? env['GIT_COMMIT'];
  return `${user}@${hostname()} (contiv ${command}${commit ? `, commit ${commit.slice(0, 12)}` : ''})`;
}

/**
 * The holder `contiv attach` and `contiv detach` record while they hold a host's lock: the
 * namespace they are for, so that one of several at once can be told apart (`alice@laptop
 * (contiv attach web-1)`). The namespace is a checked name or path (src/endpoint/names.ts); a
 * long path keeps its end, which names the container.
 */
export function endpointLockHolder(command: 'attach' | 'detach', netns: string, env: NodeJS.ProcessEnv = process.env): string {
  const ns = netns.length > 64 ? `...${netns.slice(-61)}` : netns;
  return lockHolder(`${command} ${ns}`, undefined, env);
}
