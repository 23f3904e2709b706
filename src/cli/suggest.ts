/**
 * A mistyped long option named as such, with the nearest known one: `--ouput` is "unknown option --ouput;
 * did you mean --out?", where yargs would first report the required --out as missing.
 */
import { nearestName } from '../nearest-name.js';

type OptionSpecs = Readonly<Record<string, { readonly alias?: unknown; readonly type?: unknown }>>;

const camelCase = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The long names a command takes: its options, their aliases, `--no-` forms of switches, help and version. */
function knownNames(options: OptionSpecs): Set<string> {
  const names = new Set(['help', 'version']);
  for (const [name, spec] of Object.entries(options)) {
    for (const form of [name, camelCase(name)]) {
      names.add(form);
      if (spec.type === 'boolean') names.add(`no-${form}`);
    }
    for (const alias of [spec.alias].flat()) if (typeof alias === 'string' && alias.length > 1) names.add(alias);
  }
  return names;
}

/** The message for the first unknown `--name` in args (before any `--`), or undefined when all are known. */
export function unknownOptionMessage(args: readonly string[], options: OptionSpecs): string | undefined {
  const known = knownNames(options);
  for (const arg of args) {
    if (arg === '--') return undefined;
    if (!arg.startsWith('--') || arg.length < 3) continue;
    const name = arg.slice(2).split('=')[0]!;
    if (known.has(name)) continue;
    const nearest = nearestName(
      name,
      [...known].filter((k) => !k.startsWith('no-') && k === k.toLowerCase()),
    );
    return `unknown option --${name}${nearest === undefined ? '' : `; did you mean --${nearest}?`}`;
  }
  return undefined;
}
