/**
 * A formula string such as `w*x1 + w*x2` or `1/(1+exp(-(w1*x1+w2*x2+b)))` compiled to a graph.
 * jsep does the parsing (precedence, parentheses, numbers); this file only maps its syntax tree onto the
 * op table and says, with a position, what it cannot compute. A name that is not an identifier is written
 * in backticks or double quotes (`` `Sepal.Length` ``, `"my col"`, a quote inside doubled); each is
 * replaced, before jsep sees the text, by a placeholder identifier of the same length, so positions in
 * error messages still point into the user's text.
 */
import { createRequire } from 'node:module';
import type jsep from 'jsep';
import { BatchGradError } from '../errors.js';
import { Constant, type Node, OpNode, Pow, Variable } from './graph.js';
import { OPS, type OpName } from './ops.js';
import { withStableForms } from './stable-forms.js';

const BINARY: Readonly<Record<string, OpName>> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' };
/** Function names in formulas and their ops; the op's arity is the number of arguments. */
const FUNCTIONS: Readonly<Record<string, OpName>> = {
  exp: 'exp',
  log: 'log',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  sqrt: 'sqrt',
  abs: 'abs',
  sin: 'sin',
  cos: 'cos',
  softplus: 'softplus',
  logsigmoid: 'logsigmoid',
  log1p: 'log1p',
  expm1: 'expm1',
  log10: 'log10',
  log2: 'log2',
  tan: 'tan',
  atan: 'atan',
  asin: 'asin',
  acos: 'acos',
  sinh: 'sinh',
  cosh: 'cosh',
  cbrt: 'cbrt',
  erf: 'erf',
  erfc: 'erfc',
  hypot: 'hypot',
  atan2: 'atan2',
  min: 'min',
  max: 'max',
};
export const FORMULA_FUNCTIONS = [...Object.keys(FUNCTIONS), 'pow'] as const;

export interface Formula {
  readonly text: string;
  readonly output: Node;
  /** One Variable per distinct name, in order of first appearance. */
  readonly inputs: readonly Variable[];
  /** Where a name first stands in the text (0-based), for messages about it. */
  positionOf(name: string): number;
}

interface QuotedNames {
  /** The text with every quoted name replaced by its placeholder. */
  readonly text: string;
  /** Placeholder -> the name it stands for. */
  readonly names: ReadonlyMap<string, string>;
  /** Name -> where its first quoted spelling starts. */
  readonly positions: ReadonlyMap<string, number>;
}

/** Replace each `...` or "..." name by a placeholder identifier ($<n>$ padded with _ to the same length). */
function replaceQuotedNames(text: string): QuotedNames {
  const names = new Map<string, string>();
  const positions = new Map<string, number>();
  let out = '';
  let i = 0;
  while (i < text.length) {
    const quote = text[i]!;
    if (quote !== '`' && quote !== '"') {
      out += quote;
      i++;
      continue;
    }
    let name = '';
    let j = i + 1;
    for (;;) {
      if (j >= text.length) {
        throw new BatchGradError(
          'FORMULA_SYNTAX',
          `formula: the name quoted at position ${i + 1} has no closing ${quote}`,
          { position: i + 1, value: text },
        );
      }
      if (text[j] === quote) {
        if (text[j + 1] !== quote) break;
        j++;
      }
      name += text[j];
      j++;
    }
    if (name === '')
      throw new BatchGradError('FORMULA_SYNTAX', `formula: an empty name at position ${i + 1}`, {
        position: i + 1,
        value: text,
      });
    const length = j + 1 - i;
    const placeholder = `$${names.size.toString(36)}$`.padEnd(length, '_');
    names.set(placeholder, name);
    if (!positions.has(name)) positions.set(name, i);
    out += placeholder;
    i = j + 1;
  }
  return { text: out, names, positions };
}

let parser: typeof jsep | undefined;

/** jsep, loaded on the first formula: runs without --expr never pay for it. */
function jsepParser(): typeof jsep {
  if (parser === undefined) {
    const loaded = createRequire(import.meta.url)('jsep') as typeof jsep | { default: typeof jsep };
    parser = 'default' in loaded ? loaded.default : loaded;
    // `^` means power here (not JavaScript's xor), with `**`'s precedence and right associativity.
    parser.addBinaryOp('^', 11, true);
  }
  return parser;
}

/** Where an unquoted name first stands in the text as a whole word (0-based). */
function positionOfWord(text: string, name: string): number | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w.$])${escaped}(?![\\w$])`).exec(text)?.index;
}

/**
 * jsep, like JavaScript's grammar for unary operators, reads -x^2 as (-x)^2, where a mathematician
 * means -(x^2). The two readings differ in sign, so the formula must say which it means.
 */
function rejectAmbiguousPower(text: string): void {
  const match = /(?:^|[(,*/^+-])\s*(-)\s*[\w.$]+(?:\([^()]*\))?\s*(?:\^|\*\*)/.exec(text);
  if (match) {
    const position = match.index + match[0].indexOf('-');
    throw new BatchGradError(
      'FORMULA_UNSUPPORTED',
      `formula: "-x^p" is ambiguous at position ${position + 1}; write -(x^p) or (-x)^p`,
      { position: position + 1, value: text },
    );
  }
}

/**
 * jsep reads `w1 x1` or `a; b` as several expressions; a formula is one. Say where the second begins, in
 * the formula's own terms.
 */
function rejectCompound(text: string, original: string): never {
  const adjacent = /[\w)\]]\s+(?=[\w(`"])/.exec(text);
  if (adjacent !== null) {
    const position = adjacent.index + 2;
    throw new BatchGradError(
      'FORMULA_SYNTAX',
      `formula: two terms with no operator between them at position ${position} of "${original}"; write * for a product, e.g. w1*x1`,
      {
        position,
        value: original,
      },
    );
  }
  const separator = /[;,]/.exec(text);
  const position = (separator?.index ?? 0) + 1;
  throw new BatchGradError(
    'FORMULA_SYNTAX',
    `formula: more than one expression (a "${separator?.[0] ?? ' '}" at position ${position} of "${original}"); a formula is one expression`,
    {
      position,
      value: original,
    },
  );
}

export function compileFormula(text: string): Formula {
  const quoted = replaceQuotedNames(text);
  const positionOf = (name: string): number => quoted.positions.get(name) ?? positionOfWord(quoted.text, name) ?? 0;
  let tree: jsep.Expression;
  try {
    tree = jsepParser()(quoted.text);
  } catch (error) {
    const { index, description } = error as { index?: number; description?: string };
    const position = (index ?? 0) + 1;
    throw new BatchGradError(
      'FORMULA_SYNTAX',
      `formula: ${description ?? String(error)} at position ${position} of "${text}"`,
      {
        position,
        value: text,
      },
    );
  }
  if (tree.type === 'Compound' && (tree as jsep.Compound).body.length === 0) {
    throw new BatchGradError('FORMULA_SYNTAX', 'formula: it is empty', { position: 1, value: text });
  }
  rejectAmbiguousPower(quoted.text);
  if (tree.type === 'Compound') rejectCompound(quoted.text, text);

  const variables = new Map<string, Variable>();
  const unsupported = (what: string, name?: string): never => {
    const position = (name === undefined ? 0 : positionOf(name)) + 1;
    throw new BatchGradError('FORMULA_UNSUPPORTED', `formula: ${what} (position ${position} of "${text}")`, {
      position,
      value: text,
    });
  };

  /** The value of a sub-tree that reads no input (pow's exponent, e.g. 2 or -1/2), or undefined. */
  const constantValue = (node: Node): number | undefined =>
    node.order().some((n) => n instanceof Variable) ? undefined : node.forward();
  // A constant exponent keeps pow's exact path (x^2 is x*x to the bit); any other takes the general power.
  const power = (base: Node, exponent: Node): Node => {
    const p = constantValue(exponent);
    return p === undefined ? new OpNode('power', [base, exponent]) : new Pow(base, p);
  };

  // Recursion depth here is the nesting depth of the text, which jsep itself parsed recursively.
  const build = (expr: jsep.Expression): Node => {
    switch (expr.type) {
      case 'Literal': {
        const value = (expr as jsep.Literal).value;
        if (typeof value !== 'number')
          return unsupported(`only numbers can be literals, got ${(expr as jsep.Literal).raw}`);
        return new Constant(value);
      }
      case 'Identifier': {
        const name = quoted.names.get((expr as jsep.Identifier).name) ?? (expr as jsep.Identifier).name;
        let variable = variables.get(name);
        if (variable === undefined) {
          variable = new Variable(Number.NaN, name);
          variables.set(name, variable);
        }
        return variable;
      }
      case 'UnaryExpression': {
        const { operator, argument } = expr as jsep.UnaryExpression;
        if (operator === '-') {
          const operand = build(argument);
          // A negative number is a constant (so that z*-1 is recognised like z*(-1)), not neg(constant).
          return operand instanceof Constant ? new Constant(-operand.constant) : new OpNode('neg', [operand]);
        }
        if (operator === '+') return build(argument);
        return unsupported(`the operator "${operator}" is not supported`);
      }
      case 'BinaryExpression': {
        const { operator, left, right } = expr as jsep.BinaryExpression;
        if (operator === '^' || operator === '**') return power(build(left), build(right));
        const op = BINARY[operator];
        if (op === undefined) return unsupported(`the operator "${operator}" is not supported; use + - * / ^`);
        return new OpNode(op, [build(left), build(right)]);
      }
      case 'CallExpression': {
        const { callee, arguments: args } = expr as jsep.CallExpression;
        const name = callee.type === 'Identifier' ? (callee as jsep.Identifier).name : '?';
        const position = positionOf(name) + 1;
        if (name === 'pow') {
          if (args.length !== 2) return unsupported(`pow takes 2 arguments, got ${args.length}`, name);
          return power(build(args[0]!), build(args[1]!));
        }
        const op = FUNCTIONS[name];
        if (op === undefined) {
          throw new BatchGradError(
            'FORMULA_UNKNOWN_FUNCTION',
            `formula: unknown function "${name}" at position ${position}; known: ${FORMULA_FUNCTIONS.join(', ')}`,
            { position, value: text },
          );
        }
        const arity = OPS[op].arity;
        if (args.length !== arity)
          return unsupported(`${name} takes ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}`, name);
        return new OpNode(op, args.map(build));
      }
      case 'MemberExpression':
        return unsupported('a name with a dot or brackets must be quoted in backticks, e.g. `Sepal.Length`');
      case 'ArrayExpression':
        return unsupported('brackets [ ] are not part of the formula language; group with parentheses');
      case 'ConditionalExpression':
        return unsupported('a conditional (a ? b : c) is not supported; min(x, y) and max(x, y) are');
      default:
        return unsupported(`${expr.type} is not supported in a formula`);
    }
  };

  const output = withStableForms(build(tree));
  return { text, output, inputs: [...variables.values()], positionOf };
}
