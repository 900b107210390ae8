// JSON text to a value, or one message naming line and column (V8's own messages often
// carry no position). jsonc-parser does the scanning; this only words its error codes.
import { createScanner, type ParseError, ParseErrorCode, parse, SyntaxKind } from 'jsonc-parser';

/**
 * Deeper than any config or product file needs. The parser (and the schema check after it) recurse
 * once per level: a file nested thousands of levels deep would overflow the stack.
 */
export const MAX_DEPTH = 100;

const WHAT: Partial<Record<ParseErrorCode, string>> = {
  [ParseErrorCode.InvalidSymbol]: 'unexpected character',
  [ParseErrorCode.InvalidNumberFormat]: 'invalid number',
  [ParseErrorCode.PropertyNameExpected]: 'expected a quoted property name',
  [ParseErrorCode.ValueExpected]: 'expected a value',
  [ParseErrorCode.ColonExpected]: 'expected ":"',
  [ParseErrorCode.CommaExpected]: 'expected "," or a closing bracket',
  [ParseErrorCode.CloseBraceExpected]: 'expected "}"',
  [ParseErrorCode.CloseBracketExpected]: 'expected "]"',
  [ParseErrorCode.EndOfFileExpected]: 'expected the end of the text',
  [ParseErrorCode.InvalidCommentToken]: 'comments are not allowed here',
  [ParseErrorCode.UnexpectedEndOfComment]: 'unterminated comment',
  [ParseErrorCode.UnexpectedEndOfString]: 'unterminated string',
  [ParseErrorCode.UnexpectedEndOfNumber]: 'unterminated number',
  [ParseErrorCode.InvalidUnicode]: 'invalid \\u escape',
  [ParseErrorCode.InvalidEscapeCharacter]: 'invalid escape character',
  [ParseErrorCode.InvalidCharacter]: 'invalid character in a string (control characters must be escaped)',
};

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function describe(text: string, e: ParseError): string {
  const { line, column } = lineAndColumn(text, e.offset);
  const found =
    e.offset >= text.length
      ? 'the end of the text'
      : JSON.stringify(text.slice(e.offset, e.offset + Math.max(1, Math.min(e.length, 20))));
  // The most common slip gets its own name.
  const trailingComma =
    (e.error === ParseErrorCode.PropertyNameExpected || e.error === ParseErrorCode.ValueExpected) &&
    /,\s*$/.test(text.slice(0, e.offset)) &&
    /^[}\]]/.test(text.slice(e.offset));
  const what = trailingComma ? 'trailing comma before the closing bracket' : (WHAT[e.error] ?? 'syntax error');
  return `malformed JSON at line ${line}, column ${column}: ${what}, found ${found}`;
}

/** Where the text first opens more than MAX_DEPTH brackets, found by a flat scan (no recursion). */
function tooDeep(text: string): number | undefined {
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.OpenBraceToken || kind === SyntaxKind.OpenBracketToken) {
      depth += 1;
      if (depth > MAX_DEPTH) return scanner.getTokenOffset();
    } else if (kind === SyntaxKind.CloseBraceToken || kind === SyntaxKind.CloseBracketToken) depth -= 1;
  }
  return undefined;
}

/** Parses JSON (with `comments`, JSON with // and /* *\/ comments too); a BOM is ignored. */
export function parseJsonText(
  text: string,
  opts: { comments: boolean },
): { ok: true; value: unknown } | { ok: false; problem: string } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '')
    return { ok: false, problem: 'malformed JSON at line 1, column 1: unexpected end of file (the file is empty)' };
  const deep = tooDeep(body);
  if (deep !== undefined) {
    const { line, column } = lineAndColumn(body, deep);
    return {
      ok: false,
      problem: `nested more than ${MAX_DEPTH} levels deep at line ${line}, column ${column}`,
    };
  }
  const errors: ParseError[] = [];
  const value: unknown = parse(body, errors, {
    disallowComments: !opts.comments,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  return first ? { ok: false, problem: describe(body, first) } : { ok: true, value };
}
