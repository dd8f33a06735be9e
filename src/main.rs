//! The `tpy` binary: everything happens in `cli`.
fn main() {
    let code = tpy::cli::main();
    std::process::exit(code);
}
