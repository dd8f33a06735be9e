//! The runtime: object storage (`objects`), builtin classes (`types`) and their methods
//! (`methods`), builtin functions (`builtins`), importable modules (`modules`), and the pure
//! numeric and formatting routines they share (`num`).

pub mod builtins;
pub mod methods;
pub mod modules;
pub mod num;
pub mod objects;
pub mod types;
pub mod value;
