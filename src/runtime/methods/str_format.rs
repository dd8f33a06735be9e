//! `str % args`: old-style formatting. Directive parsing and number formatting come from
//! `num::printf`; this file fetches the arguments (a tuple, a single value, or a mapping).

use super::num_err;
use crate::runtime::num::printf::{self, Count, Piece};
use crate::runtime::num::NumError;
use crate::runtime::value::Value;
use crate::vm::ops::as_bigint;
use crate::vm::{PyResult, Vm};

pub fn percent_format(vm: &mut Vm, fmt: &Value, args: &Value) -> PyResult<Value> {
    let fmt_s = fmt.as_str().unwrap_or("").to_string();
    let pieces = printf::parse_percent(&fmt_s);
    let mapping = matches!(args, Value::Dict(_)) || (matches!(args, Value::Instance(_)) && !matches!(args, Value::Tuple(_)));
    let items: Vec<Value> = match args {
        Value::Tuple(t) => t.items.to_vec(),
        other => vec![other.clone()],
    };
    let mut next = 0usize;
    let mut out = String::new();
    let mut used_mapping = false;
    for piece in pieces {
        let d = match piece {
            Piece::Literal(s) => {
                out.push_str(&s);
                continue;
            }
            Piece::Directive(d) => d,
        };
        let mut take = |vm: &mut Vm| -> PyResult<Value> {
            let v = items.get(next).cloned();
            next += 1;
            v.ok_or_else(|| vm.type_error("not enough arguments for format string"))
        };
        let star_w = if d.width == Count::Star {
            let w = take(vm)?;
            Some(vm.to_index(&w)?)
        } else {
            None
        };
        let star_p = if d.precision == Count::Star {
            let p = take(vm)?;
            Some(vm.to_index(&p)?)
        } else {
            None
        };
        if let Some(e) = d.error.clone() {
            return Err(num_err(vm, e));
        }
        if !d.is_supported() {
            return Err(num_err(vm, d.unsupported_error()));
        }
        let value = match &d.key {
            Some(k) => {
                used_mapping = true;
                if !mapping {
                    return Err(vm.type_error("format requires a mapping"));
                }
                vm.get_item(args, &Value::str(k))?
            }
            None => take(vm)?,
        };
        let spec = d.resolve(star_w, star_p);
        let text = format_one(vm, &value, &spec)?;
        out.push_str(&text);
    }
    if !used_mapping && next < items.len() && !(mapping && items.len() == 1) {
        return Err(vm.type_error("not all arguments converted during string formatting"));
    }
    Ok(Value::from_string(out))
}

fn format_one(vm: &mut Vm, v: &Value, spec: &printf::PercentSpec) -> PyResult<String> {
    if !matches!(spec.conv, 's' | 'r' | 'a') {
        if let Some(base) = vm.builtin_base(v) {
            return format_one(vm, &base, spec);
        }
    }
    let r = match spec.conv {
        's' | 'r' | 'a' => {
            let s = match spec.conv {
                's' => vm.str(v)?.as_str().to_string(),
                'r' => vm.repr(v)?.as_str().to_string(),
                _ => vm.ascii(v)?,
            };
            printf::percent_format_str(&s, spec)
        }
        'c' => {
            let c = match v {
                Value::Str(s) if s.char_len() == 1 => Ok(s.char_at(0)),
                Value::Str(_) => Err(NumError::Type("%c requires int or char".into())),
                other => match as_bigint(other) {
                    Some(b) => printf::percent_char_from_int(&b),
                    None => Err(NumError::Type("%c requires int or char".into())),
                },
            };
            c.and_then(|c| printf::percent_format_char(c, spec))
        }
        'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
            let b = match v {
                Value::Float(f) if "diu".contains(spec.conv) => crate::vm::ops::float_to_bigint(*f),
                other => match as_bigint(other) {
                    Some(b) => b,
                    None => {
                        let what = if "diu".contains(spec.conv) { "a real number" } else { "an integer" };
                        return Err(vm.type_error(format!("%{} format: {what} is required, not {}", spec.conv, vm.type_name(v))));
                    }
                },
            };
            printf::percent_format_int(&b, spec)
        }
        _ => {
            let f = match v {
                Value::Float(f) => *f,
                other => match as_bigint(other) {
                    Some(b) => vm.int_to_float(&b)?,
                    None => return Err(vm.type_error(format!("must be real number, not {}", vm.type_name(v)))),
                },
            };
            printf::percent_format_float(f, spec)
        }
    };
    r.map_err(|e| num_err(vm, e))
}
