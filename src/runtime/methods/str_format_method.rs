//! `str.format(*args, **kwargs)` and `str.format_map(mapping)`: CPython's replacement-field
//! grammar (`Objects/stringlib/unicode_format.h`), errors included.

use super::str::{one_arg, this};
use crate::runtime::objects::{Args, PyDict};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use std::rc::Rc;

#[derive(PartialEq)]
enum AutoState {
    Init,
    Auto,
    Manual,
}

struct Ctx<'a> {
    /// Positional arguments; `None` for format_map (positional fields are an error).
    args: Option<&'a [Value]>,
    /// Keyword arguments / the mapping of format_map.
    kwargs: Option<Value>,
    state: AutoState,
    next_auto: usize,
}

/// The decimal value of `s` when it is all digits, `None` otherwise (as CPython's get_integer).
fn get_integer(vm: &Vm, s: &[char]) -> PyResult<Option<usize>> {
    if s.is_empty() || !s.iter().all(|c| c.is_ascii_digit()) {
        return Ok(None);
    }
    let mut n: usize = 0;
    for c in s {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(*c as usize - '0' as usize))
            .filter(|n| *n <= i64::MAX as usize)
            .ok_or_else(|| vm.value_error("Too many decimal digits in format string"))?;
    }
    Ok(Some(n))
}

fn text(s: &[char]) -> String {
    s.iter().collect()
}

impl Ctx<'_> {
    /// Resolves a field name (`0`, `name`, `0.attr[key]`, or empty for auto-numbering).
    fn get_field(&mut self, vm: &mut Vm, name: &[char]) -> PyResult<Value> {
        let first_end = name.iter().position(|c| *c == '.' || *c == '[').unwrap_or(name.len());
        let first = &name[..first_end];
        let mut idx = get_integer(vm, first)?;
        let empty = first.is_empty();
        if empty || idx.is_some() {
            if self.state == AutoState::Init {
                self.state = if empty { AutoState::Auto } else { AutoState::Manual };
            }
            if self.state == AutoState::Manual && empty {
                return Err(vm.value_error("cannot switch from manual field specification to automatic field numbering"));
            }
            if self.state == AutoState::Auto && !empty {
                return Err(vm.value_error("cannot switch from automatic field numbering to manual field specification"));
            }
            if empty {
                idx = Some(self.next_auto);
                self.next_auto += 1;
            }
        }
        let mut obj = match idx {
            None => {
                let key = Value::from_string(text(first));
                match &self.kwargs {
                    None => return Err(vm.key_error(key)),
                    Some(kw) => {
                        let kw = kw.clone();
                        vm.get_item(&kw, &key)?
                    }
                }
            }
            Some(i) => match self.args {
                None => return Err(vm.value_error("Format string contains positional fields")),
                Some(args) => match args.get(i) {
                    Some(v) => v.clone(),
                    None => {
                        return Err(
                            vm.new_error(ExcKind::IndexError, format!("Replacement index {i} out of range for positional args tuple"))
                        )
                    }
                },
            },
        };
        let mut i = first_end;
        while i < name.len() {
            let is_attr = match name[i] {
                '.' => true,
                '[' => false,
                _ => return Err(vm.value_error("Only '.' or '[' may follow ']' in format field specifier")),
            };
            i += 1;
            let start = i;
            if is_attr {
                while i < name.len() && name[i] != '.' && name[i] != '[' {
                    i += 1;
                }
            } else {
                while i < name.len() && name[i] != ']' {
                    i += 1;
                }
                if i >= name.len() {
                    return Err(vm.value_error("Missing ']' in format string"));
                }
            }
            let part = &name[start..i];
            if !is_attr {
                i += 1;
            }
            if part.is_empty() {
                return Err(vm.value_error("Empty attribute in format string"));
            }
            obj = if is_attr {
                let attr = vm.intern(&text(part));
                vm.get_attr(&obj, &attr)?
            } else {
                let key = match get_integer(vm, part)? {
                    Some(n) => Value::Int(n as i64),
                    None => Value::from_string(text(part)),
                };
                vm.get_item(&obj, &key)?
            };
        }
        Ok(obj)
    }

    /// Formats `s` (a whole format string or a nested format spec) into `out`.
    fn render(&mut self, vm: &mut Vm, s: &[char], depth: i32, out: &mut String) -> PyResult<()> {
        if depth <= 0 {
            return Err(vm.value_error("Max string recursion exceeded"));
        }
        let mut i = 0;
        let n = s.len();
        while i < n {
            let c = s[i];
            i += 1;
            if c != '{' && c != '}' {
                out.push(c);
                continue;
            }
            let at_end = i >= n;
            if c == '}' {
                if at_end || s[i] != '}' {
                    return Err(vm.value_error("Single '}' encountered in format string"));
                }
                i += 1;
                out.push('}');
                continue;
            }
            if at_end {
                return Err(vm.value_error("Single '{' encountered in format string"));
            }
            if s[i] == '{' {
                i += 1;
                out.push('{');
                continue;
            }
            // A replacement field: parse_field.
            let name_start = i;
            let mut last = '\0';
            while i < n {
                last = s[i];
                i += 1;
                match last {
                    '{' => return Err(vm.value_error("unexpected '{' in field name")),
                    '[' => {
                        while i < n && s[i] != ']' {
                            i += 1;
                        }
                        continue;
                    }
                    '}' | ':' | '!' => break,
                    _ => continue,
                }
            }
            let name_end = if matches!(last, '}' | ':' | '!') { i - 1 } else { i };
            let name = &s[name_start..name_end];
            let mut conversion: Option<char> = None;
            let mut spec: &[char] = &[];
            let mut spec_nested = false;
            if last == '!' || last == ':' {
                let mut done = false;
                if last == '!' {
                    if i >= n {
                        return Err(vm.value_error("end of string while looking for conversion specifier"));
                    }
                    conversion = Some(s[i]);
                    i += 1;
                    if i < n {
                        let c = s[i];
                        i += 1;
                        if c == '}' {
                            done = true;
                        } else if c != ':' {
                            return Err(vm.value_error("expected ':' after conversion specifier"));
                        }
                    }
                }
                if !done {
                    let spec_start = i;
                    let mut count = 1;
                    let mut closed = false;
                    while i < n {
                        let c = s[i];
                        i += 1;
                        if c == '{' {
                            spec_nested = true;
                            count += 1;
                        } else if c == '}' {
                            count -= 1;
                            if count == 0 {
                                spec = &s[spec_start..i - 1];
                                closed = true;
                                break;
                            }
                        }
                    }
                    if !closed {
                        return Err(vm.value_error("unmatched '{' in format spec"));
                    }
                }
            } else if last != '}' {
                return Err(vm.value_error("expected '}' before end of string"));
            }
            // output_markup: the object, its conversion, then the (expanded) spec.
            let obj = self.get_field(vm, name)?;
            let obj = match conversion {
                None => obj,
                Some('r') => Value::Str(vm.repr(&obj)?),
                Some('s') => Value::Str(vm.str(&obj)?),
                Some('a') => Value::from_string(vm.ascii(&obj)?),
                Some(c) => {
                    let shown = if (c as u32) < 128 { c.to_string() } else { format!("\\x{:x}", c as u32) };
                    return Err(vm.value_error(format!("Unknown conversion specifier {shown}")));
                }
            };
            let spec_text = if spec_nested {
                let mut expanded = String::new();
                self.render(vm, spec, depth - 1, &mut expanded)?;
                expanded
            } else {
                text(spec)
            };
            let formatted = vm.format(&obj, &spec_text)?;
            out.push_str(formatted.as_str());
        }
        Ok(())
    }
}

pub fn format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let s = this(vm, &args)?;
    let kwargs = if args.kw.is_empty() {
        None
    } else {
        let d = Rc::new(PyDict::new());
        for (k, v) in &args.kw {
            vm.dict_set(&d, Value::Str(k.clone()), v.clone())?;
        }
        Some(Value::Dict(d))
    };
    let chars: Vec<char> = s.as_str().chars().collect();
    let mut ctx = Ctx { args: Some(&args.pos[1..]), kwargs, state: AutoState::Init, next_auto: 0 };
    let mut out = String::with_capacity(s.as_str().len());
    ctx.render(vm, &chars, 2, &mut out)?;
    Ok(Value::from_string(out))
}

pub fn format_map(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mapping = one_arg(vm, &args, "str.format_map")?;
    let s = this(vm, &args)?;
    let chars: Vec<char> = s.as_str().chars().collect();
    let mut ctx = Ctx { args: None, kwargs: Some(mapping), state: AutoState::Init, next_auto: 0 };
    let mut out = String::with_capacity(s.as_str().len());
    ctx.render(vm, &chars, 2, &mut out)?;
    Ok(Value::from_string(out))
}
