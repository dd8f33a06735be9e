//! Table-driven tests for int/float arithmetic, parsing, hashing and `math` helpers.
//! Every expected value in `testdata/ops_cases.tsv` was produced by CPython 3.11.

use num_bigint::BigInt;

use super::float_ops as fo;
use super::float_repr::float_repr;
use super::hash;
use super::int_ops as io;
use super::int_parse::parse_int;
use super::math_ops as mo;
use super::tests_format::{big, float, show, unescape};
use super::NumError;

type R = Result<String, NumError>;

fn istr(v: &BigInt) -> String {
    if v.bits() > 3400 {
        let sign = if v.sign() == num_bigint::Sign::Minus { "-" } else { "" };
        return format!("{sign}0x{}", v.magnitude().to_str_radix(16));
    }
    v.to_string()
}

fn fr(x: f64) -> String {
    float_repr(x)
}

fn ints(s: &str) -> Vec<BigInt> {
    s.split(',').filter(|p| !p.is_empty()).map(big).collect()
}

fn floats(s: &str) -> Vec<f64> {
    s.split(',').filter(|p| !p.is_empty()).map(float).collect()
}

fn run_int(op: &str, a: &[String]) -> Option<R> {
    let x = || big(&a[0]);
    let y = || big(&a[1]);
    Some(match op {
        "floordiv" => io::floordiv(&x(), &y()).map(|v| istr(&v)),
        "mod" => io::modulo(&x(), &y()).map(|v| istr(&v)),
        "divmod" => io::divmod(&x(), &y()).map(|(q, r)| format!("{},{}", istr(&q), istr(&r))),
        "truediv" => io::int_true_div(&x(), &y()).map(fr),
        "and" => Ok(istr(&io::bit_and(&x(), &y()))),
        "or" => Ok(istr(&io::bit_or(&x(), &y()))),
        "xor" => Ok(istr(&io::bit_xor(&x(), &y()))),
        "pow" => io::int_pow(&x(), &y()).map(|r| match r {
            io::IntOrFloat::Int(v) => istr(&v),
            io::IntOrFloat::Float(f) => fr(f),
        }),
        "powmod" => io::int_pow_mod(&x(), &y(), &big(&a[2])).map(|v| istr(&v)),
        "shl" => io::shl(&x(), &y()).map(|v| istr(&v)),
        "shr" => io::shr(&x(), &y()).map(|v| istr(&v)),
        "invert" => Ok(istr(&io::bit_invert(&x()))),
        "radix" => io::int_to_str_radix(&x(), a[1].parse().unwrap_or(10)),
        "hash_int" => Ok(hash::hash_int(&x()).to_string()),
        "bit_length" => Ok(io::bit_length(&x()).to_string()),
        "bit_count" => Ok(io::bit_count(&x()).to_string()),
        "to_float" => io::big_to_f64(&x()).map(fr),
        "parse_int" => parse_int(&a[0], a[1].parse().unwrap_or(10)).map(|v| istr(&v)),
        "hash_tuple" => {
            let hs: Vec<i64> = ints(&a[0]).iter().map(hash::hash_int).collect();
            Ok(hash::hash_tuple(&hs).to_string())
        }
        _ => return None,
    })
}

fn run_float(op: &str, a: &[String]) -> Option<R> {
    let x = || float(&a[0]);
    let y = || float(&a[1]);
    Some(match op {
        "hash_float" => Ok(hash::hash_float(x()).to_string()),
        "round0" => fo::round_to_int(x()).map(|v| istr(&v)),
        "roundn" => fo::round_ndigits(x(), a[1].parse().unwrap_or(0)).map(fr),
        "as_ratio" => fo::as_integer_ratio(x()).map(|(n, d)| format!("{}/{}", istr(&n), istr(&d))),
        "fhex" => Ok(fo::float_hex(x())),
        "is_integer" => Ok(if fo::is_integer(x()) { "True" } else { "False" }.into()),
        "float_to_int" => io::float_to_int(x()).map(|v| istr(&v)),
        "ffloordiv" => fo::float_floordiv(x(), y()).map(fr),
        "fmod" => fo::float_mod(x(), y()).map(fr),
        "fdivmod" => fo::float_divmod(x(), y()).map(|(q, r)| format!("{},{}", fr(q), fr(r))),
        "fpow" => fo::float_pow(x(), y()).map(fr),
        "parse_float" => fo::parse_float(&a[0]).map(fr),
        _ => return None,
    })
}

fn run_math(op: &str, a: &[String]) -> Option<R> {
    let x = || big(&a[0]);
    let y = || big(&a[1]);
    let b = |r: Result<BigInt, NumError>| r.map(|v| istr(&v));
    Some(match op {
        "isqrt" => b(mo::isqrt(&x())),
        "factorial" => b(mo::factorial(&x())),
        "gcd" => Ok(istr(&mo::gcd(&ints(&a[0])))),
        "lcm" => Ok(istr(&mo::lcm(&ints(&a[0])))),
        "comb" => b(mo::comb(&x(), &y())),
        "perm" => b(mo::perm(&x(), Some(&y()))),
        "perm1" => b(mo::perm(&x(), None)),
        "fsum" => mo::fsum(&floats(&a[0])).map(fr),
        "isclose" => mo::isclose(float(&a[0]), float(&a[1]), float(&a[2]), float(&a[3]))
            .map(|v| if v { "True" } else { "False" }.into()),
        "log_int" => mo::log_int(&x(), mo::LogKind::Natural).map(fr),
        "log2_int" => mo::log_int(&x(), mo::LogKind::Two).map(fr),
        "log10_int" => mo::log_int(&x(), mo::LogKind::Ten).map(fr),
        "log_float" => mo::log_float(float(&a[0]), mo::LogKind::Natural).map(fr),
        "log10_float" => mo::log_float(float(&a[0]), mo::LogKind::Ten).map(fr),
        "log_ratio" => mo::log_ratio(float(&a[0]), float(&a[1])).map(fr),
        "round_int" => Ok(istr(&mo::round_int(&x(), &y()))),
        _ => return None,
    })
}

#[test]
fn ops_table_matches_cpython() {
    let data = include_str!("testdata/ops_cases.tsv");
    let mut failures = Vec::new();
    let mut count = 0;
    for line in data.lines().filter(|l| !l.is_empty()) {
        let fields: Vec<String> = line.split('\t').map(unescape).collect();
        let (expected, args) = fields[1..].split_last().expect("fields");
        let op = fields[0].as_str();
        let r = run_int(op, args)
            .or_else(|| run_float(op, args))
            .or_else(|| run_math(op, args))
            .unwrap_or_else(|| panic!("unknown op {op}"));
        let got = show(r);
        count += 1;
        if &got != expected {
            failures.push(format!("{}\n    got: {}", &line[..line.len().min(300)], &got[..got.len().min(200)]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} failed:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}
