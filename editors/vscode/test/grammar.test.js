// The TextMate grammar, loaded the way VS Code loads it (vscode-textmate on the Oniguruma
// WebAssembly build), tokenizes every example strategy and a few hand-written lines, and
// the keywords, durations, numbers, strings, escapes, comments, doc comments, kind paths
// and `node.port` references get the scopes the grammar promises.
//
// Run with `node --test test/` after `npm ci`.

"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const ROOT = path.join(__dirname, "..");
const EXAMPLES = path.join(ROOT, "..", "..", "examples");
const GRAMMAR = path.join(ROOT, "syntaxes", "flow.tmLanguage.json");

let grammarPromise;

function loadGrammar() {
  if (!grammarPromise) {
    const wasm = fs.readFileSync(
      require.resolve("vscode-oniguruma/release/onig.wasm"),
    );
    const onigLib = oniguruma.loadWASM(wasm.buffer).then(() => ({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }));
    const registry = new vsctm.Registry({
      onigLib,
      loadGrammar: async (scopeName) => {
        if (scopeName !== "source.flow") {
          return null;
        }
        const text = fs.readFileSync(GRAMMAR, "utf8");
        return vsctm.parseRawGrammar(text, GRAMMAR);
      },
    });
    grammarPromise = registry.loadGrammar("source.flow");
  }
  return grammarPromise;
}

/** Every token of `text`: `{ line, start, text, scopes }`. */
async function tokenize(text) {
  const grammar = await loadGrammar();
  assert.ok(grammar, "the grammar loads");
  let state = vsctm.INITIAL;
  const out = [];
  text.split(/\r?\n/).forEach((line, lineNo) => {
    const result = grammar.tokenizeLine(line, state);
    for (const t of result.tokens) {
      out.push({
        line: lineNo,
        start: t.startIndex,
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      });
    }
    state = result.ruleStack;
  });
  return out;
}

const has = (token, prefix) => token.scopes.some((s) => s.startsWith(prefix));
const inCommentOrString = (t) => has(t, "comment.") || has(t, "string.");

function examples() {
  return fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith(".flow"))
    .sort()
    .map((f) => ({ name: f, text: fs.readFileSync(path.join(EXAMPLES, f), "utf8") }));
}

const KEYWORDS = {
  workflow: "keyword.declaration",
  param: "keyword.declaration",
  node: "keyword.declaration",
  output: "keyword.declaration",
  schedule: "keyword.declaration",
  extern: "keyword.declaration",
  use: "keyword.declaration",
  when: "keyword.control",
  with: "keyword.control",
  every: "keyword.control",
  once: "keyword.control",
  and: "keyword.operator.logical",
  or: "keyword.operator.logical",
  not: "keyword.operator.logical",
  true: "constant.language.boolean",
  false: "constant.language.boolean",
};

test("the examples exist", () => {
  assert.ok(examples().length >= 5, "examples/*.flow");
});

for (const { name, text } of examples()) {
  test(`tokenizes ${name}`, async () => {
    const tokens = await tokenize(text);
    const lines = text.split(/\r?\n/);

    // Comments: every `///` line is a doc comment, every other `//` a plain comment.
    lines.forEach((line, i) => {
      const at = line.indexOf("//");
      if (at < 0 || line.slice(0, at).includes('"')) {
        return;
      }
      const doc = line.startsWith("///", at) && !line.startsWith("////", at);
      const scope = doc ? "comment.line.documentation.flow" : "comment.line.double-slash.flow";
      const rest = tokens.filter((t) => t.line === i && t.text.trim() !== "");
      const commentTokens = rest.filter((t) => has(t, "comment."));
      assert.ok(commentTokens.length > 0, `${name}:${i + 1}: a comment`);
      for (const t of commentTokens) {
        assert.ok(has(t, scope), `${name}:${i + 1}: ${JSON.stringify(t)} is ${scope}`);
      }
    });

    // Keywords outside comments and strings.
    let keywords = 0;
    for (const t of tokens) {
      const word = t.text.trim();
      if (!(word in KEYWORDS) || inCommentOrString(t)) {
        continue;
      }
      // A keyword after a dot is a path segment (`cond.and`), not a keyword.
      if (has(t, "entity.name.function.kind") || has(t, "variable.other.property")) {
        continue;
      }
      keywords += 1;
      assert.ok(has(t, KEYWORDS[word]), `${name}:${t.line + 1}: \`${word}\` in ${t.scopes}`);
    }
    assert.ok(keywords > 3, `${name}: keywords found`);

    // Durations: `schedule every 1m`, `timeout: 2s`, `200ms`.
    for (const t of tokens) {
      if (/^[0-9][0-9_]*(\.[0-9]+)?(ms|s|m|h|d)$/.test(t.text) && !inCommentOrString(t)) {
        assert.ok(has(t, "constant.numeric.duration.flow"), `${name}:${t.line + 1}: ${t.text}`);
      }
    }
    const schedule = lines.findIndex((l) => /schedule every/.test(l));
    if (schedule >= 0) {
      assert.ok(
        tokens.some((t) => t.line === schedule && has(t, "constant.numeric.duration.flow")),
        `${name}: the schedule's interval is a duration`,
      );
    }

    // Strings: the quotes and everything between them.
    lines.forEach((line, i) => {
      if (line.trimStart().startsWith("//")) {
        return;
      }
      const m = /"([^"\\]*)"/.exec(line);
      if (!m) {
        return;
      }
      const inner = tokens.find((t) => t.line === i && t.text === m[1] && m[1] !== "");
      if (inner) {
        assert.ok(has(inner, "string.quoted.double.flow"), `${name}:${i + 1}: ${m[1]}`);
      }
      const quotes = tokens.filter((t) => t.line === i && t.text === '"');
      assert.ok(quotes.every((q) => has(q, "punctuation.definition.string")), `${name}:${i + 1}`);
    });

    // Numbers that are not durations.
    for (const t of tokens) {
      if (/^[0-9][0-9_]*(\.[0-9][0-9_]*)?$/.test(t.text) && !inCommentOrString(t)) {
        assert.ok(has(t, "constant.numeric"), `${name}:${t.line + 1}: ${t.text}`);
      }
    }

    // Every `node NAME = ns.kind(`: the kind is a function in a namespace.
    lines.forEach((line, i) => {
      const m = /^(\s*node\s+\w+\s*=\s*)(\w+)\.(\w+)\(/.exec(line);
      if (!m) {
        return;
      }
      const at = (col) => tokens.find((t) => t.line === i && t.start === col);
      const ns = at(m[1].length);
      const kind = at(m[1].length + m[2].length + 1);
      assert.ok(ns && has(ns, "entity.name.namespace.flow"), `${name}:${i + 1}: ${m[2]}`);
      assert.ok(kind && has(kind, "entity.name.function.kind.flow"), `${name}:${i + 1}: ${m[3]}`);
    });
  });
}

test("hand-written constructs", async () => {
  const text = [
    '/// A doc comment.',
    '//// not a doc comment',
    'use "lib/more.flow"',
    'extern io node my.fetch(url: String = "a\\"b\\n\\u{1F600}") -> (body: String)',
    'extern type OrderBook',
    'workflow w {',
    '    param low: f64 = 30',
    '    schedule every 250ms',
    '    node px = binance.price(pair: "BTCUSDT") // trailing',
    '    node rsi = ta.rsi(input: px.price, period: 14)',
    '        when rsi.ready and not (rsi.value < low) or false',
    '        with { retry: 3, backoff: 1.5s, timeout: 2s }',
    '    output o = prev(rsi.value, 0) + abs(-1e-3) * inf',
    '}',
  ].join("\n");
  const tokens = await tokenize(text);
  const find = (line, s) => {
    const t = tokens.find((x) => x.line === line && x.text === s);
    assert.ok(t, `line ${line + 1}: \`${s}\` is a token`);
    return t;
  };
  assert.ok(has(find(0, " A doc comment."), "comment.line.documentation.flow"));
  assert.ok(has(find(1, "// not a doc comment"), "comment.line.double-slash.flow"));
  assert.ok(has(find(2, "use"), "keyword.declaration"));
  assert.ok(has(find(2, "lib/more.flow"), "string.quoted.double.flow"));
  assert.ok(has(find(3, "io"), "storage.modifier.flow"));
  assert.ok(has(find(3, "fetch"), "entity.name.function.kind.flow"));
  assert.ok(has(find(3, "my"), "entity.name.namespace.flow"));
  assert.ok(has(find(3, '\\"'), "constant.character.escape.flow"));
  assert.ok(has(find(3, "\\n"), "constant.character.escape.flow"));
  assert.ok(has(find(3, "\\u{1F600}"), "constant.character.escape.flow"));
  assert.ok(has(find(3, "String"), "support.type.primitive.flow"));
  assert.ok(has(find(3, "->"), "keyword.operator.arrow.flow"));
  assert.ok(has(find(4, "OrderBook"), "entity.name.type.flow"));
  assert.ok(has(find(5, "w"), "entity.name.type.workflow.flow"));
  assert.ok(has(find(6, "low"), "variable.parameter.flow"));
  assert.ok(has(find(6, "f64"), "support.type.primitive.flow"));
  assert.ok(has(find(6, "30"), "constant.numeric.integer.flow"));
  assert.ok(has(find(7, "250ms"), "constant.numeric.duration.flow"));
  assert.ok(has(find(8, "px"), "entity.name.variable.node.flow"));
  assert.ok(has(find(8, "pair"), "variable.parameter.argument.flow"));
  assert.ok(has(find(8, " trailing"), "comment.line.double-slash.flow"));
  const pxRef = tokens.find((t) => t.line === 9 && t.text === "px");
  assert.ok(pxRef && has(pxRef, "variable.other.node.flow"), "px in px.price");
  assert.ok(has(find(9, "price"), "variable.other.property.port.flow"));
  assert.ok(has(find(10, "when"), "keyword.control.flow"));
  assert.ok(has(find(10, "ready"), "variable.other.property.port.flow"));
  assert.ok(has(find(10, "not"), "keyword.operator.logical.flow"));
  assert.ok(has(find(10, "<"), "keyword.operator.comparison.flow"));
  assert.ok(has(find(10, "false"), "constant.language.boolean.flow"));
  assert.ok(has(find(11, "with"), "keyword.control.flow"));
  assert.ok(has(find(11, "retry"), "variable.parameter.argument.flow"));
  assert.ok(has(find(11, "1.5s"), "constant.numeric.duration.flow"));
  assert.ok(has(find(12, "prev"), "support.function.builtin.flow"));
  assert.ok(has(find(12, "abs"), "support.function.builtin.flow"));
  assert.ok(has(find(12, "1e-3"), "constant.numeric.float.flow"));
  assert.ok(has(find(12, "inf"), "constant.language.infinity.flow"));
});

test("an unterminated string ends at the line end", async () => {
  const tokens = await tokenize('output o = "abc\nnode x = a.b()');
  const node = tokens.find((t) => t.line === 1 && t.text === "node");
  assert.ok(node && has(node, "keyword.declaration"), JSON.stringify(tokens));
  assert.ok(!has(node, "string."));
});
