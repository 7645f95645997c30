//! The `conformance` command: a scripted op sequence run through `Cache`, printing each op's
//! result and the keys in policy order, so another implementation of the same semantics
//! (boto3-client-cache, a port) can be compared with ours line by line.
//!
//! # Script
//!
//! One op per line; keys are strings without whitespace; blank lines and lines starting with
//! `#` are skipped:
//!
//! | line | what it runs |
//! |---|---|
//! | `insert KEY` | `insert(KEY, ())` |
//! | `get KEY` | `get(KEY)`: an access |
//! | `peek KEY` | `peek(KEY)`: not an access |
//! | `remove KEY` | `remove(KEY)` |
//! | `pop` | `pop_victim()` |
//! | `resize N` | `set_max_size(N)` |
//! | `clear` | `clear()` |
//! | `replace KEY` | `replace(KEY, ())`: an access when cached |
//! | `upsert KEY` | `upsert(KEY, ())` |
//! | `retain PREFIX` | `retain(\|k, _\| k.starts_with(PREFIX))`: drops the other keys |
//!
//! The whole script is checked before anything runs: a bad line is an error naming its line
//! number and the expected syntax.
//!
//! # Output
//!
//! One line per op, `OP -> RESULT [KEYS]`:
//!
//! - `OP` is the op as written, with single spaces (`insert a`, `pop`, `resize 2`);
//! - `RESULT` is `ok` (insert stored or refused by nobody, resize, clear), `already-cached`
//!   (insert of a resident key), `hit` or `miss` (get, peek), `removed` or `not-cached`
//!   (remove), `popped KEY` or `empty` (pop), `invalid-max-size` (resize beyond the limit),
//!   `replaced` or `not-cached` (replace), `replaced` or `inserted` (upsert), `dropped N`
//!   (retain: how many keys it dropped, listed after it in policy order);
//!   then ` evicted K1 K2 ...` when the op made the policy drop keys (an insert into a full
//!   cache; a newcomer refused by an admission filter, or any insert at max size 0, lists
//!   itself; a shrinking resize lists keys in eviction order);
//! - `[KEYS]` is the resident keys in policy order, next victim first, space separated
//!   (`[]` when empty).
//!
//! For example, with `--policy lru --max-size 2`:
//!
//! ```text
//! insert a -> ok [a]
//! insert b -> ok [a b]
//! get a -> hit [b a]
//! insert c -> ok evicted b [a c]
//! get b -> miss [a c]
//! ```

use crate::policies::{Ours, PolicyVisitor};
use clientcache::{Cache, Error, RemovalCause};
use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex};

/// One scripted op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptOp {
    /// `insert KEY`.
    Insert(String),
    /// `get KEY`.
    Get(String),
    /// `peek KEY`.
    Peek(String),
    /// `remove KEY`.
    Remove(String),
    /// `pop`.
    Pop,
    /// `resize N`.
    Resize(usize),
    /// `clear`.
    Clear,
    /// `replace KEY`.
    Replace(String),
    /// `upsert KEY`.
    Upsert(String),
    /// `retain PREFIX`.
    Retain(String),
}

impl fmt::Display for ScriptOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScriptOp::Insert(k) => write!(f, "insert {k}"),
            ScriptOp::Get(k) => write!(f, "get {k}"),
            ScriptOp::Peek(k) => write!(f, "peek {k}"),
            ScriptOp::Remove(k) => write!(f, "remove {k}"),
            ScriptOp::Pop => f.write_str("pop"),
            ScriptOp::Resize(n) => write!(f, "resize {n}"),
            ScriptOp::Clear => f.write_str("clear"),
            ScriptOp::Replace(k) => write!(f, "replace {k}"),
            ScriptOp::Upsert(k) => write!(f, "upsert {k}"),
            ScriptOp::Retain(prefix) => write!(f, "retain {prefix}"),
        }
    }
}

/// The accepted lines, for errors.
pub const SYNTAX: &str = "insert KEY, get KEY, peek KEY, remove KEY, pop, resize N, clear, \
                          replace KEY, upsert KEY, retain PREFIX (KEY and PREFIX without \
                          whitespace, N an unsigned integer)";

/// A script line that does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: {}; expected one of: {SYNTAX}",
            self.line, self.message
        )
    }
}

impl std::error::Error for ScriptError {}

/// Parses a whole script; `Err` names the first bad line.
///
/// ```
/// use clientcache_verify::conformance::{ScriptOp, parse_script};
///
/// let ops = parse_script("# warm up\ninsert a\n\nresize 1\n").unwrap();
/// assert_eq!(ops, [ScriptOp::Insert("a".into()), ScriptOp::Resize(1)]);
/// assert_eq!(parse_script("pop\nfetch a\n").unwrap_err().line, 2);
/// ```
pub fn parse_script(text: &str) -> Result<Vec<ScriptOp>, ScriptError> {
    let mut ops = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let bad = |message: String| ScriptError {
            line: index + 1,
            message,
        };
        let mut words = trimmed.split_whitespace();
        let op = words.next().unwrap_or_default();
        let arg = words.next();
        if words.next().is_some() {
            return Err(bad(format!("`{trimmed}` has too many words")));
        }
        let key = |arg: Option<&str>| {
            arg.map(str::to_string)
                .ok_or_else(|| bad(format!("`{op}` needs a KEY")))
        };
        let none = |arg: Option<&str>, then: ScriptOp| match arg {
            None => Ok(then),
            Some(_) => Err(bad(format!("`{op}` takes no argument"))),
        };
        ops.push(match op {
            "insert" => ScriptOp::Insert(key(arg)?),
            "get" => ScriptOp::Get(key(arg)?),
            "peek" => ScriptOp::Peek(key(arg)?),
            "remove" => ScriptOp::Remove(key(arg)?),
            "replace" => ScriptOp::Replace(key(arg)?),
            "upsert" => ScriptOp::Upsert(key(arg)?),
            "retain" => ScriptOp::Retain(
                arg.map(str::to_string)
                    .ok_or_else(|| bad("`retain` needs a PREFIX".into()))?,
            ),
            "pop" => none(arg, ScriptOp::Pop)?,
            "clear" => none(arg, ScriptOp::Clear)?,
            "resize" => {
                let n = arg.ok_or_else(|| bad("`resize` needs a size N".into()))?;
                ScriptOp::Resize(
                    n.parse()
                        .map_err(|_| bad(format!("`{n}` is not a size (an unsigned integer)")))?,
                )
            }
            other => return Err(bad(format!("unknown op `{other}`"))),
        });
    }
    Ok(ops)
}

/// Runs `ops` through a fresh `Cache<String, (), P>` of `max_size` for the policy `policy`,
/// returning the transcript (see the [module docs](self) for the format).
pub fn run(ops: &[ScriptOp], policy: Ours, max_size: usize) -> Result<String, String> {
    policy.visit(Runner { ops, max_size })
}

struct Runner<'a> {
    ops: &'a [ScriptOp],
    max_size: usize,
}

impl PolicyVisitor for Runner<'_> {
    type Output = Result<String, String>;

    fn visit<P: clientcache::Policy + Default + Send + Sync + 'static>(self) -> Self::Output {
        let dropped: Arc<Mutex<Vec<(String, RemovalCause)>>> = Arc::default();
        let sink = Arc::clone(&dropped);
        let cache = Cache::<String, (), P>::builder()
            .max_size(self.max_size)
            .eviction_listener(move |key, (), cause| {
                if matches!(
                    cause,
                    RemovalCause::Evicted | RemovalCause::Resized | RemovalCause::Removed
                ) {
                    sink.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((key, cause));
                }
            })
            .build()
            .map_err(|e| e.to_string())?;
        let mut out = String::new();
        for op in self.ops {
            let result = match op {
                ScriptOp::Insert(k) => match cache.insert(k.clone(), ()) {
                    Ok(()) => "ok".to_string(),
                    Err(Error::AlreadyCached { .. }) => "already-cached".to_string(),
                    Err(e) => return Err(format!("`{op}` failed unexpectedly: {e}")),
                },
                ScriptOp::Get(k) => hit(cache.get(k.as_str()).is_some()),
                ScriptOp::Peek(k) => hit(cache.peek(k.as_str()).is_some()),
                ScriptOp::Remove(k) => match cache.remove(k.as_str()) {
                    Ok(()) => "removed".to_string(),
                    Err(Error::NotCached { .. }) => "not-cached".to_string(),
                    Err(e) => return Err(format!("`{op}` failed unexpectedly: {e}")),
                },
                ScriptOp::Pop => match cache.pop_victim() {
                    Some((k, ())) => format!("popped {k}"),
                    None => "empty".to_string(),
                },
                ScriptOp::Resize(n) => match cache.set_max_size(*n) {
                    Ok(()) => "ok".to_string(),
                    Err(Error::InvalidMaxSize { .. }) => "invalid-max-size".to_string(),
                    Err(e) => return Err(format!("`{op}` failed unexpectedly: {e}")),
                },
                ScriptOp::Clear => {
                    cache.clear();
                    "ok".to_string()
                }
                ScriptOp::Replace(k) => match cache.replace(k.clone(), ()) {
                    Ok(()) => "replaced".to_string(),
                    Err(Error::NotCached { .. }) => "not-cached".to_string(),
                    Err(e) => return Err(format!("`{op}` failed unexpectedly: {e}")),
                },
                ScriptOp::Upsert(k) => match cache.upsert(k.clone(), ()) {
                    Some(()) => "replaced".to_string(),
                    None => "inserted".to_string(),
                },
                ScriptOp::Retain(prefix) => {
                    format!(
                        "dropped {}",
                        cache.retain(|k, ()| k.starts_with(prefix.as_str()))
                    )
                }
            };
            let _ = write!(out, "{op} -> {result}");
            let left = std::mem::take(&mut *dropped.lock().unwrap_or_else(|e| e.into_inner()));
            let (evicted, removed): (Vec<_>, Vec<_>) = left
                .into_iter()
                .partition(|(_, cause)| *cause != RemovalCause::Removed);
            if !evicted.is_empty() {
                let keys: Vec<String> = evicted.into_iter().map(|(k, _)| k).collect();
                let _ = write!(out, " evicted {}", keys.join(" "));
            }
            // The keys a retain dropped (a remove or a pop names its own key already).
            if matches!(op, ScriptOp::Retain(_)) && !removed.is_empty() {
                let keys: Vec<String> = removed.into_iter().map(|(k, _)| k).collect();
                let _ = write!(out, " {}", keys.join(" "));
            }
            let _ = writeln!(out, " [{}]", cache.keys().join(" "));
        }
        Ok(out)
    }
}

fn hit(found: bool) -> String {
    if found { "hit" } else { "miss" }.to_string()
}
