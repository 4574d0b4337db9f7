/**
 * The info string of a fenced block: `request id=get-token title="Get a token" editable`.
 *
 * Words are separated by spaces; each option is `key=value`, `key="quoted value"` (with `\"` and
 * `\\` escapes) or a bare `flag`.
 */

export interface InfoOption {
  key: string;
  /** `true` for a bare flag. */
  value: string | true;
  /** 0-based offset of the key in the info string. */
  offset: number;
}

export interface InfoString {
  name: string;
  options: InfoOption[];
}

export interface InfoStringError {
  message: string;
  offset: number;
}

const KEY = /^[a-z][a-z0-9-]*$/;

export function parseInfoString(info: string): InfoString | InfoStringError {
  let i = 0;
  const skipSpaces = () => {
    while (i < info.length && /\s/.test(info[i] ?? '')) i++;
  };
  const readBare = () => {
    const start = i;
    while (i < info.length && !/[\s="]/.test(info[i] ?? '')) i++;
    return info.slice(start, i);
  };

  skipSpaces();
  const name = readBare();
  const options: InfoOption[] = [];
  for (;;) {
    skipSpaces();
    if (i >= info.length) break;
    const offset = i;
    const key = readBare();
    if (!KEY.test(key)) {
      return {
        message: `Expected an option (key=value, key="quoted value" or flag) but found "${info.slice(offset).split(/\s/)[0]}".`,
        offset,
      };
    }
    if (info[i] !== '=') {
      options.push({ key, value: true, offset });
      continue;
    }
    i++; // '='
    if (info[i] === '"') {
      const quoteAt = i;
      i++;
      let value = '';
      let closed = false;
      while (i < info.length) {
        const char = info[i];
        if (char === '\\' && (info[i + 1] === '"' || info[i + 1] === '\\')) {
          value += info[i + 1];
          i += 2;
        } else if (char === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += char;
          i++;
        }
      }
      if (!closed) return { message: `Unclosed quote in option "${key}".`, offset: quoteAt };
      if (i < info.length && !/\s/.test(info[i] ?? '')) {
        return { message: `Expected a space after the closing quote of "${key}".`, offset: i };
      }
      options.push({ key, value, offset });
    } else {
      const value = readBare();
      if (value === '' || (i < info.length && !/\s/.test(info[i] ?? ''))) {
        return {
          message: `Option "${key}" needs a value: ${key}=value or ${key}="a quoted value".`,
          offset,
        };
      }
      options.push({ key, value, offset });
    }
  }
  return { name, options };
}
