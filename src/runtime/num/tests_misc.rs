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
        "isclose" => mo::isclose(float(&a[0]), float(&a[1]), float(&a[2]), float(&a[3])).map(|v| if v { "True" } else { "False" }.into()),
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
        let r =
            run_int(op, args).or_else(|| run_float(op, args)).or_else(|| run_math(op, args)).unwrap_or_else(|| panic!("unknown op {op}"));
        let got = show(r);
        count += 1;
        if &got != expected {
            failures.push(format!("{}\n    got: {}", &line[..line.len().min(300)], &got[..got.len().min(200)]));
        }
    }
    assert!(failures.is_empty(), "{} of {count} failed:\n{}", failures.len(), failures[..failures.len().min(40)].join("\n"));
}

mod api {
    use num_bigint::BigInt;

    use super::super::format_spec::{format_float, format_int, format_str};
    use super::super::hash::{hash_i64, hash_int};
    use super::super::int_ops as io;
    use super::super::printf::{parse_percent, percent_format_float, percent_format_int, Count, Piece};
    use super::super::NumError;

    #[test]
    fn percent_pieces_and_stars() {
        let pieces = parse_percent("a%%b%(name)-*.*f|%d %");
        assert_eq!(pieces[0], Piece::Literal("a%b".into()));
        let Piece::Directive(d) = &pieces[1] else { panic!("directive") };
        assert_eq!(d.key.as_deref(), Some("name"));
        assert!(d.flags.ljust);
        assert_eq!((d.width, d.precision, d.conv), (Count::Star, Count::Star, 'f'));
        let spec = d.resolve(Some(-8), Some(-1));
        assert_eq!((spec.width, spec.precision, spec.flags.ljust), (Some(8), Some(0), true));
        assert_eq!(percent_format_float(2.5, &spec).unwrap(), "2       ");
        let Piece::Directive(last) = pieces.last().unwrap() else { panic!("directive") };
        assert_eq!(last.error, Some(NumError::Value("incomplete format".into())));
        let Piece::Directive(d) = &parse_percent("%*d")[0] else { panic!("directive") };
        let spec = d.resolve(Some(-5), None);
        assert_eq!(percent_format_int(&BigInt::from(3), &spec).unwrap(), "3    ");
    }

    #[test]
    fn huge_sizes_do_not_hang() {
        assert_eq!(format_float(1.5, ".100000f").unwrap().len(), 100_002);
        assert_eq!(format_float(1e300, ".100000e").unwrap().len(), 100_007);
        assert_eq!(format_int(&BigInt::from(7), "1000000").unwrap().len(), 1_000_000);
        let mem = Err(NumError::Memory(String::new()));
        assert_eq!(format_str("x", "9999999999999"), mem);
        assert_eq!(format_int(&BigInt::from(7), "9999999999999"), mem);
        let two = BigInt::from(2);
        assert_eq!(io::int_pow(&two, &BigInt::from(10u64.pow(12))), Err(NumError::Memory(String::new())));
        assert_eq!(io::shl(&two, &(BigInt::from(1) << 63)), Err(NumError::Memory(String::new())));
        assert_eq!(io::shl(&two, &(BigInt::from(1) << 70)), Err(NumError::Overflow("too many digits in integer".into())));
    }

    #[test]
    fn i64_fast_paths() {
        assert_eq!(io::floordiv_i64(-7, 2), Ok(Some(-4)));
        assert_eq!(io::floordiv_i64(i64::MIN, -1), Ok(None));
        assert_eq!(io::mod_i64(-7, 2), Ok(1));
        assert_eq!(io::mod_i64(7, -2), Ok(-1));
        assert_eq!(io::mod_i64(i64::MIN, -1), Ok(0));
        assert_eq!(io::divmod_i64(-7, 2), Ok(Some((-4, 1))));
        assert!(matches!(io::floordiv_i64(1, 0), Err(NumError::ZeroDivision(_))));
        assert_eq!(io::pow_i64(3, 4), Some(81));
        assert_eq!(io::pow_i64(10, 19), None);
        assert_eq!(io::pow_i64(2, -1), None);
        assert_eq!(io::shl_i64(1, 62), Ok(Some(1 << 62)));
        assert_eq!(io::shl_i64(1, 63), Ok(None));
        assert_eq!(io::shl_i64(-1, 63), Ok(None));
        assert_eq!(io::shr_i64(-5, 100), Ok(-1));
        assert!(io::shr_i64(1, -1).is_err());
    }

    #[test]
    fn int_hashes() {
        for v in [0i64, 1, -1, -2, i64::MAX, i64::MIN, (1 << 61) - 1, 1 << 61, -(1 << 61)] {
            assert_eq!(hash_i64(v), hash_int(&BigInt::from(v)), "{v}");
        }
        assert_eq!(hash_i64(-1), -2);
        assert_eq!(hash_i64((1 << 61) - 1), 0);
        assert_eq!(hash_i64(-(1 << 61) + 1), 0);
    }
}
