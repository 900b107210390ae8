// The emulator's environment: only what a process needs to run (PATH, HOME, locale, temporary
// folder) and MiniStack's own settings. Not the rest of ours: it may hold real AWS credentials,
// tokens and secrets, which MiniStack has no use for and which its Lambda workers (user code)
// would otherwise inherit.
const PASSED = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TMP', 'TEMP'];

/** `parent`'s variables that the emulator may see, then `settings` (which win). */
export function emulatorEnv(parent: NodeJS.ProcessEnv, settings: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) {
    // MINISTACK_*: the user's own MiniStack settings (its region, account id, host name).
    if (value !== undefined && (PASSED.includes(name) || name.startsWith('LC_') || name.startsWith('MINISTACK_')))
      env[name] = value;
  }
  return { ...env, ...settings };
}
