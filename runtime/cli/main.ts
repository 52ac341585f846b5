/**
 * Subcommand dispatch for `skysentinel`. Each command lives in commands/<name>.ts and exports
 * `summary` (one line), `usage` (its --help text) and `run(args): Promise<number>` (the exit code).
 */
import { existsSync } from 'node:fs';
import { ConfigError, loadDotEnv } from '../config/config.ts';
import { EXIT } from './exit-codes.ts';

const COMMANDS = ['run', 'produce', 'process', 'edge', 'detect', 'migrate', 'topics'] as const;
type CommandName = (typeof COMMANDS)[number];

export interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

async function load(name: CommandName): Promise<Command | null> {
  const url = new URL(`./commands/${name}.ts`, import.meta.url);
  if (!existsSync(url)) return null;
  return (await import(/* @vite-ignore */ url.href)) as Command;
}

async function overview(): Promise<string> {
  const lines = ['Usage: skysentinel <command> [options]', '', 'Commands:'];
  for (const name of COMMANDS) {
    const cmd = await load(name);
    lines.push(`  ${name.padEnd(9)} ${cmd ? cmd.summary : '(not yet implemented)'}`);
  }
  lines.push('', 'Run `skysentinel <command> --help` for its options. Configuration: .env.example.');
  return lines.join('\n');
}

/**
 * The command table of docs/contract.md (npm run config:docs): each command's synopsis (the first
 * line of its usage) and summary.
 */
export async function commandTable(): Promise<string> {
  const rows = ['| command | does |', '|---|---|'];
  for (const name of COMMANDS) {
    const cmd = await load(name);
    if (cmd === null) continue;
    const synopsis = (cmd.usage.split('\n')[0] ?? '').replace(/^Usage: /, '');
    rows.push(`| \`${synopsis.replaceAll('|', '\\|')}\` | ${cmd.summary} |`);
  }
  return rows.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await overview());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (!(COMMANDS as readonly string[]).includes(name)) {
    console.error(`skysentinel: unknown command '${name}'\n\n${await overview()}`);
    return EXIT.USAGE;
  }
  const cmd = await load(name as CommandName);
  if (!cmd) {
    console.error(`skysentinel ${name}: not yet implemented`);
    return EXIT.SOFTWARE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(cmd.usage);
    return EXIT.OK;
  }
  try {
    return await cmd.run(args);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`skysentinel ${name}: ${e.message}`);
      return EXIT.CONFIG;
    }
    if (e instanceof UsageError) {
      console.error(`skysentinel ${name}: ${e.message}\n\n${cmd.usage}`);
      return EXIT.USAGE;
    }
    console.error(`skysentinel ${name}: ${(e as Error).stack ?? e}`);
    return EXIT.SOFTWARE;
  }
}

/** Thrown by a command for bad flags or arguments: printed with the command's usage, exit 64. */
export class UsageError extends Error {
  override name = 'UsageError';
}
