//! The stable diagnostic codes and their long explanations (`flowc explain CODE`).
//!
//! The table of LANGUAGE.md is the contract; the codes marked "extension" below are this
//! compiler's additions for problems the table does not name (each still has an example
//! and a fix).

use super::Severity;

/// A stable diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    E0001,
    E0100,
    E0101,
    E0102,
    E0103,
    E0104,
    E0105,
    E0106,
    E0107,
    E0108,
    E0200,
    E0201,
    E0202,
    E0203,
    E0300,
    E0400,
    E0401,
    E0402,
    W0001,
    W0002,
}

/// The long form of a code, as `flowc explain` prints it.
#[derive(Debug, Clone, Copy)]
pub struct Explanation {
    /// One line: the problem.
    pub title: &'static str,
    /// What the code means and why it is a problem.
    pub meaning: &'static str,
    /// A program that produces it.
    pub wrong: &'static str,
    /// How to fix it, in words.
    pub fix: &'static str,
    /// The program fixed.
    pub fixed: &'static str,
}

impl Code {
    pub const ALL: &'static [Code] = &[
        Code::E0001,
        Code::E0100,
        Code::E0101,
        Code::E0102,
        Code::E0103,
        Code::E0104,
        Code::E0105,
        Code::E0106,
        Code::E0107,
        Code::E0108,
        Code::E0200,
        Code::E0201,
        Code::E0202,
        Code::E0203,
        Code::E0300,
        Code::E0400,
        Code::E0401,
        Code::E0402,
        Code::W0001,
        Code::W0002,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::E0001 => "E0001",
            Code::E0100 => "E0100",
            Code::E0101 => "E0101",
            Code::E0102 => "E0102",
            Code::E0103 => "E0103",
            Code::E0104 => "E0104",
            Code::E0105 => "E0105",
            Code::E0106 => "E0106",
            Code::E0107 => "E0107",
            Code::E0108 => "E0108",
            Code::E0200 => "E0200",
            Code::E0201 => "E0201",
            Code::E0202 => "E0202",
            Code::E0203 => "E0203",
            Code::E0300 => "E0300",
            Code::E0400 => "E0400",
            Code::E0401 => "E0401",
            Code::E0402 => "E0402",
            Code::W0001 => "W0001",
            Code::W0002 => "W0002",
        }
    }

    /// Parses `E0200`, case-insensitively.
    pub fn parse(text: &str) -> Option<Code> {
        let text = text.trim();
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text))
    }

    /// Warnings start with `W`; everything else is an error.
    pub fn severity(self) -> Severity {
        match self {
            Code::W0001 | Code::W0002 => Severity::Warning,
            _ => Severity::Error,
        }
    }

    pub fn explanation(self) -> Explanation {
        explanation(self)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Explanation {
    /// The explanation as plain text for a terminal, wrapped at 80 columns.
    pub fn render(&self, code: Code) -> String {
        let indent = |text: &str| -> String {
            text.lines()
                .map(|l| {
                    if l.is_empty() {
                        "\n".to_owned()
                    } else {
                        format!("    {l}\n")
                    }
                })
                .collect()
        };
        format!(
            "{code}: {title}\n\n{meaning}\n\nThis is wrong:\n\n{wrong}\n{fix}\n\n{fixed}",
            title = self.title,
            meaning = wrap(self.meaning, 80),
            wrong = indent(self.wrong),
            fix = wrap(self.fix, 80),
            fixed = indent(self.fixed),
        )
    }
}

/// Greedy word wrapping (the texts are plain sentences).
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line > 0 && line + 1 + len > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
    }
    out
}

fn explanation(code: Code) -> Explanation {
    match code {
        Code::E0001 => Explanation {
            title: "syntax error",
            meaning: "The text does not follow the grammar of Flow at the marked place. The \
                      compiler skips the broken statement or declaration and keeps checking \
                      the rest of the file, so each broken statement is reported once.",
            wrong: "workflow demo {\n    node px = binance.price(pair \"BTCUSDT\")\n}",
            fix: "Write what the message says is expected; here each argument is `NAME: VALUE`, \
                  so a `:` is missing after `pair`.",
            fixed: "workflow demo {\n    node px = binance.price(pair: \"BTCUSDT\")\n}",
        },
        Code::E0100 => Explanation {
            title: "unknown node kind",
            meaning: "The kind after `node NAME =` must be declared by an `extern node`: in the \
                      prelude (the node library), in the file itself, or in a file brought in \
                      with `use`. The name is probably misspelt. `flowc build`, `run` and \
                      `emit` also report E0100 for a declared kind the runtime does not \
                      implement (one bound to a Rust type with `= crate::Type`, or declared \
                      without one): such a workflow runs from Rust, through `workflow!`.",
            wrong: "node px = binanse.price(pair: \"BTCUSDT\")",
            fix: "Use a declared kind; the help line suggests the closest one. `flowc` lists the \
                  node library in `runtime/prelude.flow`.",
            fixed: "node px = binance.price(pair: \"BTCUSDT\")",
        },
        Code::E0101 => Explanation {
            title: "unknown argument: no such input port",
            meaning: "Each argument of a node binds one input port of its kind, by name. The \
                      kind has no input port with this name.",
            wrong: "node px = binance.price(pear: \"BTCUSDT\")",
            fix: "Name one of the kind's input ports (the help line suggests the closest).",
            fixed: "node px = binance.price(pair: \"BTCUSDT\")",
        },
        Code::E0102 => Explanation {
            title: "missing required argument",
            meaning: "An input port without a declared default must be given an argument; only \
                      ports with a default (`depth: i64 = 20`) may be left out.",
            wrong: "node buy = trade.buy(venue: \"binance\", pair: \"BTCUSDT\")",
            fix: "Add the missing arguments.",
            fixed: "node buy = trade.buy(venue: \"binance\", pair: \"BTCUSDT\", amount: 0.01)",
        },
        Code::E0103 => Explanation {
            title: "argument given twice",
            meaning: "Each input port takes one value, so each argument name may appear once \
                      per node.",
            wrong: "node px = binance.price(pair: \"BTCUSDT\", pair: \"ETHUSDT\")",
            fix: "Remove one of the two arguments (or run two nodes).",
            fixed: "node px = binance.price(pair: \"BTCUSDT\")",
        },
        Code::E0104 => Explanation {
            title: "unknown output port",
            meaning: "`node.port` reads an output port of a node, and the node's kind has no \
                      output port with this name. A node written alone (`px`) stands for its \
                      only output port, so it needs a port when its kind has several.",
            wrong: "node px = binance.price(pair: \"BTCUSDT\")\nnode avg = ta.sma(input: px.prise, period: 20)",
            fix: "Name one of the kind's output ports (the help line lists them).",
            fixed: "node px = binance.price(pair: \"BTCUSDT\")\nnode avg = ta.sma(input: px.price, period: 20)",
        },
        Code::E0105 => Explanation {
            title: "unknown name (no such node or param)",
            meaning: "A name in an expression must be a param or a node of the same workflow \
                      (or the constant `inf`), and a function call must name a built-in \
                      (`abs`, `min`, `max`). A param's default may read only params declared \
                      before it.",
            wrong: "param pair: String = \"BTCUSDT\"\nnode px = binance.price(pair: pear)",
            fix: "Use a declared name (the help line suggests the closest), or declare it.",
            fixed: "param pair: String = \"BTCUSDT\"\nnode px = binance.price(pair: pair)",
        },
        Code::E0106 => Explanation {
            title: "name defined twice (node, param, output, workflow or declaration)",
            meaning: "Nodes and params of a workflow share one namespace, outputs have their \
                      own, workflows are unique per file, and each node kind, port and type is \
                      declared once. `inf` is a built-in constant and cannot be redefined.",
            wrong: "node px = binance.price(pair: \"BTCUSDT\")\nnode px = kraken.price(pair: \"XBTUSD\")",
            fix: "Rename one of the two.",
            fixed: "node px = binance.price(pair: \"BTCUSDT\")\nnode kx = kraken.price(pair: \"XBTUSD\")",
        },
        Code::E0107 => Explanation {
            title: "unknown type (extension)",
            meaning: "A type must be one of `f64 i64 bool String Duration` or a domain type \
                      declared with `extern type` (the prelude declares `OrderBook`, `Order`, \
                      ...). Type names are case-sensitive.",
            wrong: "param size: float = 0.01",
            fix: "Use a known type (the help line suggests the closest).",
            fixed: "param size: f64 = 0.01",
        },
        Code::E0108 => Explanation {
            title: "a `use`d file cannot be loaded (extension)",
            meaning: "`use \"path.flow\"` reads another file's `extern` declarations; the path \
                      is relative to the file that says `use`, and the file must exist and be \
                      readable.",
            wrong: "use \"nodes/mine.flow\"   // but there is no nodes/mine.flow",
            fix: "Correct the path, or create the file.",
            fixed: "use \"nodes/my_nodes.flow\"",
        },
        Code::E0200 => Explanation {
            title: "type mismatch",
            meaning: "A value has a different type from the one its place requires: an \
                      argument must have its input port's type, a param default the param's \
                      type, both sides of an operator compatible types. Arithmetic takes two \
                      `f64` or two `i64` (and `+` also joins two `String`s or adds two \
                      `Duration`s); comparisons take two values of one type. An integer \
                      literal may stand where an `f64` is expected; nothing else converts \
                      implicitly.",
            wrong: "node px = binance.price(pair: \"BTCUSDT\")\nnode rsi = ta.rsi(input: px.price, period: 14.5)",
            fix: "Give a value of the expected type.",
            fixed: "node px = binance.price(pair: \"BTCUSDT\")\nnode rsi = ta.rsi(input: px.price, period: 14)",
        },
        Code::E0201 => Explanation {
            title: "`when` condition is not `bool`",
            meaning: "A node runs only when its `when` condition is true, so the condition must \
                      be a `bool`. A number is not a truth value in Flow.",
            wrong: "node buy = trade.buy(venue: \"binance\", pair: \"BTCUSDT\", amount: 0.01)\n    when rsi.value",
            fix: "Compare the value to something, or read a `bool` port.",
            fixed: "node buy = trade.buy(venue: \"binance\", pair: \"BTCUSDT\", amount: 0.01)\n    when rsi.value < 30",
        },
        Code::E0202 => Explanation {
            title: "not a constant (extension)",
            meaning: "Some values are fixed before a run starts, so they may use only literals, \
                      `inf`, built-in functions and params declared earlier (never a node or \
                      `prev`): param defaults, port defaults in `extern node`, and the initial \
                      value of `prev(expr, init)`. The `with` policy values must be literals.",
            wrong: "node px = binance.price(pair: \"BTCUSDT\")\nparam start: f64 = px.price",
            fix: "Use a constant, or read the node where the value is needed.",
            fixed: "param start: f64 = 100",
        },
        Code::E0203 => Explanation {
            title: "wrong number of arguments to a built-in (extension)",
            meaning: "`abs(x)` takes one argument, `min(a, b)` and `max(a, b)` two, and \
                      `prev(expr, init)` two: the value to remember and its value on the \
                      first tick.",
            wrong: "output low = min(a.value, b.value, c.value)",
            fix: "Pass the right number of arguments; nest calls for more.",
            fixed: "output low = min(a.value, min(b.value, c.value))",
        },
        Code::E0300 => Explanation {
            title: "cycle",
            meaning: "In one tick every node runs after the nodes it reads, so the reads must \
                      not form a cycle. The message names every node on the cycle, in order. \
                      To feed a value back from one tick to the next, read it through \
                      `prev(expr, init)`, which is not a dependency.",
            wrong: "node a = ta.sma(input: b.value, period: 5)\nnode b = ta.sma(input: a.value, period: 5)",
            fix: "Break the cycle, or read last tick's value with `prev`.",
            fixed: "node a = ta.sma(input: prev(b.value, 0), period: 5)\nnode b = ta.sma(input: a.value, period: 5)",
        },
        Code::E0400 => Explanation {
            title: "unknown or ill-typed `with` key",
            meaning: "`with { ... }` sets a node's run policy. The keys are `retry` (an `i64` \
                      of at least 0: extra attempts), `backoff` (a `Duration` between attempts), \
                      `timeout` (a `Duration` greater than zero, per attempt) and `breaker` (an \
                      `i64` of at least 1: consecutive failures that open a circuit breaker), \
                      each at most once.",
            wrong: "node buy = trade.buy(venue: \"binance\", pair: \"BTCUSDT\", amount: 0.01)\n    with { retries: 3, timeout: 2 }",
            fix: "Use the known keys with values of their types.",
            fixed: "node buy = trade.buy(venue: \"binance\", pair: \"BTCUSDT\", amount: 0.01)\n    with { retry: 3, timeout: 2s }",
        },
        Code::E0401 => Explanation {
            title: "invalid schedule",
            meaning: "`schedule every DURATION` needs a positive duration literal such as \
                      `1m`; `schedule once` (the default) runs one tick. A workflow has at \
                      most one `schedule`.",
            wrong: "schedule every 0s",
            fix: "Give a positive interval.",
            fixed: "schedule every 1m",
        },
        Code::E0402 => Explanation {
            title: "invalid literal",
            meaning: "A literal is out of range or malformed: an integer beyond the `i64` \
                      range, a float too large for `f64`, a duration with an unknown unit \
                      (units are `ms s m h d`) or not a whole number of milliseconds, or a \
                      string with an unknown escape (known: `\\\" \\\\ \\n \\t \\r \\0 \\' \\u{...}`).",
            wrong: "node buy = trade.buy(venue: \"binance\", pair: \"BTCUSDT\", amount: 0.01)\n    with { timeout: 2sec }",
            fix: "Write the literal in range and with a known unit or escape.",
            fixed: "node buy = trade.buy(venue: \"binance\", pair: \"BTCUSDT\", amount: 0.01)\n    with { timeout: 2s }",
        },
        Code::W0001 => Explanation {
            title: "node whose outputs are never read and which has no side effect",
            meaning: "A node that is not an `effect` node only computes values; if no \
                      expression and no `output` reads any of them, running it is wasted work \
                      and probably a sign of a forgotten connection.",
            wrong: "node px = binance.price(pair: \"BTCUSDT\")\nnode avg = ta.sma(input: px.price, period: 20)",
            fix: "Read one of its outputs (for example in an `output`), or remove the node.",
            fixed: "node px = binance.price(pair: \"BTCUSDT\")\nnode avg = ta.sma(input: px.price, period: 20)\noutput average = avg.value",
        },
        Code::W0002 => Explanation {
            title: "param never used",
            meaning: "No expression of the workflow reads this param, so setting it with \
                      `--param` would change nothing.",
            wrong: "param pair: String = \"BTCUSDT\"\nnode px = binance.price(pair: \"BTCUSDT\")",
            fix: "Use the param where its value belongs, or remove it.",
            fixed: "param pair: String = \"BTCUSDT\"\nnode px = binance.price(pair: pair)",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_is_explained() {
        for &code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert_eq!(Code::parse(&code.as_str().to_lowercase()), Some(code));
            let e = code.explanation();
            assert!(!e.title.is_empty() && !e.wrong.is_empty() && !e.fixed.is_empty());
            assert!(e.render(code).starts_with(code.as_str()));
        }
        assert_eq!(Code::parse("E9999"), None);
    }
}
