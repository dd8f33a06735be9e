//! "Did you mean: 'x'?" hints on NameError and AttributeError tracebacks, with CPython
//! 3.11's algorithm (`Python/suggestions.c`): a Levenshtein distance where a case change
//! costs 1 and any other edit 2, accepting at most a third of the characters changed.

use super::Vm;
use crate::runtime::value::Value;

const MOVE_COST: usize = 2;
const CASE_COST: usize = 1;
const MAX_CANDIDATES: usize = 750;
const MAX_STRING_SIZE: usize = 40;

fn substitution_cost(a: u8, b: u8) -> usize {
    if (a & 31) != (b & 31) {
        return MOVE_COST;
    }
    if a == b {
        return 0;
    }
    if a.eq_ignore_ascii_case(&b) {
        CASE_COST
    } else {
        MOVE_COST
    }
}

fn levenshtein(a: &[u8], b: &[u8], max_cost: usize) -> usize {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[pre..], &b[pre..]);
    let suf = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[..a.len() - suf], &b[..b.len() - suf]);
    if a.is_empty() || b.is_empty() {
        return (a.len() + b.len()) * MOVE_COST;
    }
    if a.len() > MAX_STRING_SIZE || b.len() > MAX_STRING_SIZE {
        return max_cost + 1;
    }
    let (a, b) = if b.len() < a.len() { (b, a) } else { (a, b) };
    if (b.len() - a.len()) * MOVE_COST > max_cost {
        return max_cost + 1;
    }
    let mut row: Vec<usize> = (1..=a.len()).map(|i| i * MOVE_COST).collect();
    let mut result = 0;
    for (bi, &bc) in b.iter().enumerate() {
        let mut distance = bi * MOVE_COST;
        result = distance;
        let mut minimum = usize::MAX;
        for (ai, &ac) in a.iter().enumerate() {
            let substitute = distance + substitution_cost(bc, ac);
            distance = row[ai];
            let insert_delete = result.min(distance) + MOVE_COST;
            result = insert_delete.min(substitute);
            row[ai] = result;
            minimum = minimum.min(result);
        }
        if minimum > max_cost {
            return max_cost + 1;
        }
    }
    result
}

/// The closest candidate to `name`, if one is close enough.
pub fn best_match<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<&str> = None;
    let mut best_distance = usize::MAX;
    for item in candidates.take(MAX_CANDIDATES) {
        if item == name {
            continue;
        }
        let max_distance = ((name.len() + item.len() + 3) * MOVE_COST / 6).min(best_distance.saturating_sub(1));
        let d = levenshtein(name.as_bytes(), item.as_bytes(), max_distance);
        if d > max_distance {
            continue;
        }
        if best.is_none() || d < best_distance {
            best = Some(item);
            best_distance = d;
        }
    }
    best.map(String::from)
}

fn str_keys(d: &crate::runtime::objects::PyDict) -> Vec<String> {
    d.map.borrow().keys().iter().filter_map(|k| k.as_str().map(String::from)).collect()
}

impl Vm {
    /// A NameError for `name` raised in frame `f`, carrying CPython's suggestion (searched in
    /// the frame's locals, then its globals, then the builtins).
    pub fn name_error_in(&self, f: &super::frame::Frame, name: &str) -> super::PyException {
        let e = self.name_error(name);
        let locals: Vec<String> =
            f.code.varnames.iter().zip(f.locals.iter()).filter(|(_, v)| v.is_some()).map(|(n, _)| n.as_str().to_string()).collect();
        let mut found = best_match(name, locals.iter().map(String::as_str));
        if found.is_none() {
            let mut scopes = Vec::new();
            if let Some(ns) = &f.namespace {
                scopes.push(str_keys(ns));
            }
            scopes.push(str_keys(&f.globals));
            scopes.push(str_keys(&self.interp.builtins));
            for keys in scopes {
                found = best_match(name, keys.iter().map(String::as_str));
                if found.is_some() {
                    break;
                }
            }
        }
        if let Some(s) = found {
            e.value.dict.set_str(&self.intern("__suggestion__"), Value::from_string(s));
        }
        e
    }

    /// The suggestion for an AttributeError on `obj`: the closest of its attribute names.
    pub fn attribute_suggestion(&self, obj: &Value, name: &str) -> Option<String> {
        let mut names: Vec<String> = Vec::new();
        match obj {
            Value::Instance(i) => names.extend(str_keys(&i.dict)),
            Value::Module(m) => names.extend(str_keys(&m.dict)),
            _ => {}
        }
        let cls = match obj {
            Value::Class(c) => c.clone(),
            other => self.type_of(other),
        };
        for c in cls.full_mro() {
            names.extend(c.dict.borrow().keys().iter().filter_map(|k| k.as_str().map(String::from)));
        }
        names.sort();
        names.dedup();
        best_match(name, names.iter().map(String::as_str))
    }
}
