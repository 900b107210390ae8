// Finds where JSON text goes wrong. V8's JSON.parse messages only sometimes carry a
// position, and never a line; a config error must say "line 3, column 13".

export interface JsonFault {
  offset: number;
  reason: string;
}

/** Scans `text` as JSON; returns the first fault, or undefined if the text is valid. */
export function locateJsonFault(text: string): JsonFault | undefined {
  let i = 0;
  const fail = (reason: string): never => {
    throw { offset: i, reason } satisfies JsonFault;
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i++;
  };
  const shown = (): string => (i >= text.length ? 'end of file' : `"${text[i] ?? ''}"`);
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${shown()}; expected a value (string, number, object, array, true, false or null)`);
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail('control character inside a string (use \\n for new lines)');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail(`bad escape \\${text[i] ?? ''}`);
      }
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail(`unexpected ${shown()}`);
    i += m?.[0].length ?? 0;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else fail(`unexpected ${shown()}; expected a value (string, number, object, array, true, false or null)`);
  };
  const object = (): void => {
    i++;
    ws();
    if (text[i] === '}') return void i++;
    for (;;) {
      ws();
      if (text[i] !== '"') fail(`expected a quoted property name, found ${shown()}`);
      string();
      ws();
      if (text[i] !== ':') fail(`expected ":" after the property name, found ${shown()}`);
      i++;
      value();
      ws();
      if (text[i] === ',') {
        i++;
        ws();
        if (text[i] === '}') fail('trailing comma before "}"');
        continue;
      }
      if (text[i] === '}') return void i++;
      fail(`expected "," or "}", found ${shown()}`);
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (text[i] === ']') return void i++;
    for (;;) {
      value();
      ws();
      if (text[i] === ',') {
        i++;
        ws();
        if (text[i] === ']') fail('trailing comma before "]"');
        continue;
      }
      if (text[i] === ']') return void i++;
      fail(`expected "," or "]", found ${shown()}`);
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${shown()} after the end of the document`);
    return undefined;
  } catch (fault) {
    return fault as JsonFault;
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
