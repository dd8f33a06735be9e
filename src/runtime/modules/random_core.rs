//! `_random`: the Mersenne Twister core behind `random` (seeding, `random()`,
//! `getrandbits()`), bit for bit as CPython's `Modules/_randommodule.c`, so that a seed gives
//! the same numbers. The Python-level algorithms (`randrange`, `shuffle`, `sample`...) are in
//! `py/random.py`, as CPython keeps them in `Lib/random.py`.

use crate::runtime::methods::int::wrap_for_subclass;
use crate::runtime::objects::{Args, BaseKind, NativeData, NativeFn, NativeObject, PyClass};
use crate::runtime::types::Types;
use crate::runtime::value::Value;
use crate::vm::ops::as_bigint;
use crate::vm::{PyResult, Vm};
use num_bigint::{BigInt, Sign};
use sha2::{Digest, Sha512};
use std::cell::RefCell;
use std::rc::Rc;

const N: usize = 624;
const M: usize = 397;

/// MT19937 state.
pub struct Twister {
    mt: [u32; N],
    index: usize,
}

impl Twister {
    fn new() -> Twister {
        let mut t = Twister { mt: [0; N], index: N + 1 };
        t.init_genrand(5489);
        t
    }

    fn init_genrand(&mut self, s: u32) {
        self.mt[0] = s;
        for i in 1..N {
            self.mt[i] = 1812433253u32.wrapping_mul(self.mt[i - 1] ^ (self.mt[i - 1] >> 30)).wrapping_add(i as u32);
        }
        self.index = N;
    }

    fn init_by_array(&mut self, key: &[u32]) {
        self.init_genrand(19650218);
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            let prev = self.mt[i - 1] ^ (self.mt[i - 1] >> 30);
            self.mt[i] = (self.mt[i] ^ prev.wrapping_mul(1664525)).wrapping_add(key[j]).wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                self.mt[0] = self.mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = self.mt[i - 1] ^ (self.mt[i - 1] >> 30);
            self.mt[i] = (self.mt[i] ^ prev.wrapping_mul(1566083941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                self.mt[0] = self.mt[N - 1];
                i = 1;
            }
        }
        self.mt[0] = 0x8000_0000;
    }

    fn next_u32(&mut self) -> u32 {
        const MAG01: [u32; 2] = [0, 0x9908_b0df];
        if self.index >= N {
            for kk in 0..N {
                let y = (self.mt[kk] & 0x8000_0000) | (self.mt[(kk + 1) % N] & 0x7fff_ffff);
                self.mt[kk] = self.mt[(kk + M) % N] ^ (y >> 1) ^ MAG01[(y & 1) as usize];
            }
            self.index = 0;
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random()`: 53 random bits as a float in [0, 1).
    fn random(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)
    }

    /// `getrandbits(k)`: 32-bit words, least significant first.
    fn getrandbits(&mut self, k: u64) -> BigInt {
        if k <= 32 {
            return BigInt::from(self.next_u32() >> (32 - k as u32));
        }
        let mut words = Vec::with_capacity(k.div_ceil(32) as usize);
        let mut left = k;
        while left > 0 {
            let mut r = self.next_u32();
            if left < 32 {
                r >>= 32 - left as u32;
            }
            words.push(r);
            left = left.saturating_sub(32);
        }
        BigInt::from_slice(Sign::Plus, &words)
    }

    /// Seeds from a non-negative integer: its 32-bit words become the key.
    fn seed_int(&mut self, n: &BigInt) {
        let mut key = n.magnitude().to_u32_digits();
        if key.is_empty() {
            key.push(0);
        }
        self.init_by_array(&key);
    }
}

fn state_of(vm: &Vm, v: &Value) -> PyResult<Rc<NativeObject>> {
    let target = match v {
        Value::Instance(i) => i.base_value.borrow().clone().unwrap_or(Value::None),
        other => other.clone(),
    };
    match target {
        Value::Native(n) if n.downcast::<RefCell<Twister>>().is_some() => Ok(n),
        _ => Err(vm.type_error("descriptor requires a '_random.Random' object")),
    }
}

fn with_twister<R>(vm: &Vm, v: &Value, f: impl FnOnce(&mut Twister) -> R) -> PyResult<R> {
    let n = state_of(vm, v)?;
    let t = n.downcast::<RefCell<Twister>>().expect("twister");
    let r = f(&mut t.borrow_mut());
    Ok(r)
}

fn random_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = args.pos[0].clone();
    let base = random_class_of(vm)?;
    let data = NativeData::Any(Box::new(RefCell::new(Twister::new())));
    let obj = Value::Native(Rc::new(NativeObject::new(base.clone(), data)));
    Ok(wrap_for_subclass(vm, &cls, &base, obj))
}

/// The `_random.Random` class of this interpreter (created with the module).
fn random_class_of(vm: &mut Vm) -> PyResult<Rc<PyClass>> {
    let module = vm.import_module("_random")?;
    match vm.get_attr(&module, &vm.intern("Random"))? {
        Value::Class(c) => Ok(c),
        _ => Err(vm.runtime_error("_random.Random is missing")),
    }
}

/// `seed(a)`: ints by value (sign dropped), str/bytes through SHA-512 (CPython's version 2),
/// other hashables by their hash.
fn seed(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("seed", &args, 1, 2)?;
    let a = args.pos.get(1).cloned().unwrap_or(Value::None);
    let n: BigInt = match &a {
        Value::None => {
            let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            BigInt::from(t.as_nanos()) ^ BigInt::from(std::process::id())
        }
        Value::Str(_) | Value::Bytes(_) | Value::ByteArray(_) => {
            let bytes = match &a {
                Value::Str(s) => s.as_str().as_bytes().to_vec(),
                Value::Bytes(b) | Value::ByteArray(b) => b.data.borrow().clone(),
                _ => unreachable!(),
            };
            let mut all = bytes.clone();
            all.extend_from_slice(&Sha512::digest(&bytes));
            BigInt::from_bytes_be(Sign::Plus, &all)
        }
        other => match as_bigint(other) {
            Some(b) => b,
            None => BigInt::from(vm.hash(other)?),
        },
    };
    with_twister(vm, &args.pos[0], |t| t.seed_int(&n))?;
    Ok(Value::None)
}

fn random(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if args.pos.is_empty() {
        return Err(vm.type_error("unbound method Random.random() needs an argument"));
    }
    vm.check_method_args("Random.random", &args, 0, 0)?;
    Ok(Value::Float(with_twister(vm, &args.pos[0], |t| t.random())?))
}

fn getrandbits(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if args.pos.is_empty() {
        return Err(vm.type_error("unbound method Random.getrandbits() needs an argument"));
    }
    vm.check_method_args("Random.getrandbits", &args, 1, 1)?;
    let k = vm.to_index(&args.pos[1])?;
    if k < 0 {
        return Err(vm.value_error("number of bits must be non-negative"));
    }
    if k == 0 {
        return Ok(Value::Int(0));
    }
    Ok(Value::from_bigint(with_twister(vm, &args.pos[0], |t| t.getrandbits(k as u64))?))
}

const RANDOM_METHODS: &[(&str, NativeFn)] = &[("__new__", random_new), ("seed", seed), ("random", random), ("getrandbits", getrandbits)];

pub fn make(vm: &mut Vm) -> Value {
    let m = super::new_module(vm, "_random", &[]);
    let class = PyClass::new("Random", vec![vm.interp.types.object.clone()], BaseKind::Object, false).expect("class");
    *class.module.borrow_mut() = Value::str("_random");
    Types::add_methods(&class, "Random", RANDOM_METHODS);
    super::set(&m, "Random", Value::Class(class));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_cpython_for_seed_42() {
        // python3 -c "import random; random.seed(42); print(random.random(), random.getrandbits(64))"
        let mut t = Twister::new();
        t.seed_int(&BigInt::from(42));
        assert_eq!(t.random(), 0.6394267984578837);
        assert_eq!(t.getrandbits(64), "13679192365072849617".parse::<BigInt>().unwrap());
    }
}
