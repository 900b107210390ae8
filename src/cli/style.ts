// Colour only where it helps and is wanted: a terminal, no NO_COLOR, not TERM=dumb
// (https://no-color.org); FORCE_COLOR forces it. Pipes and logs get plain text.
import pc from 'picocolors';

export type Colors = Pick<typeof pc, 'red' | 'green' | 'yellow' | 'cyan' | 'bold' | 'dim'>;

export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}
