//! `socket`: blocking TCP over IPv4 (socket2 underneath). Every call that can block runs with
//! the GIL released: the socket is an `Arc<socket2::Socket>` cloned out of the object, so the
//! closure given to `allow_threads` holds no heap value, and a `close()` from another thread
//! while a `recv` waits only drops the object's reference.
//!
//! Timeouts follow CPython's three modes: `None` blocks, `0.0` is non-blocking (errors are
//! `BlockingIOError`), a positive timeout maps to `SO_RCVTIMEO` / `SO_SNDTIMEO` (and a timed
//! connect) and expiry raises `TimeoutError: timed out`.

use crate::runtime::methods::bytes::{bytes_arg, new_bytes};
use crate::runtime::methods::float::to_float;
use crate::runtime::methods::int::wrap_for_subclass;
use crate::runtime::objects::{Args, BaseKind, NativeData, NativeFn, NativeObject, PyClass};
use crate::runtime::types::Types;
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyException, PyResult, Vm};
use socket2::{Domain, SockAddr, Socket, Type};
use std::cell::{Cell, RefCell};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::os::fd::AsRawFd;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

const AF_INET: i64 = 2;
const SOCK_STREAM: i64 = 1;
const SOL_SOCKET: i64 = 1;
const SO_REUSEADDR: i64 = 2;
const SO_ERROR: i64 = 4;
const SO_KEEPALIVE: i64 = 9;
const IPPROTO_TCP: i64 = 6;
const TCP_NODELAY: i64 = 1;

pub struct SockObj {
    sock: RefCell<Option<Arc<Socket>>>,
    /// `None`: blocking; `Some(0.0)`: non-blocking; `Some(t)`: timeout of t seconds.
    timeout: Cell<Option<f64>>,
}

fn sock_obj(vm: &Vm, v: &Value) -> PyResult<Rc<NativeObject>> {
    let target = match v {
        Value::Instance(i) => i.base_value.borrow().clone().unwrap_or(Value::None),
        other => other.clone(),
    };
    match target {
        Value::Native(n) if n.downcast::<SockObj>().is_some() => Ok(n),
        _ => Err(vm.type_error("descriptor requires a 'socket' object")),
    }
}

/// The open socket behind `v`, or `OSError: [Errno 9] Bad file descriptor`.
fn open_sock(vm: &Vm, v: &Value) -> PyResult<(Arc<Socket>, Option<f64>)> {
    let n = sock_obj(vm, v)?;
    let s = n.downcast::<SockObj>().expect("socket");
    let sock = s.sock.borrow().clone();
    match sock {
        Some(sock) => Ok((sock, s.timeout.get())),
        None => Err(errno_error(vm, 9, "Bad file descriptor")),
    }
}

fn errno_error(vm: &Vm, errno: i32, text: &str) -> PyException {
    let kind = match errno {
        111 => ExcKind::ConnectionRefusedError,
        104 => ExcKind::ConnectionResetError,
        103 => ExcKind::ConnectionAbortedError,
        32 => ExcKind::BrokenPipeError,
        11 | 114 | 115 => ExcKind::BlockingIOError,
        110 => ExcKind::TimeoutError,
        _ => ExcKind::OSError,
    };
    vm.new_exception(vm.exc_class(kind), vec![Value::Int(errno as i64), Value::str(text)])
}

/// A socket error as CPython raises it; a timed-out wait is `TimeoutError: timed out`.
fn sock_error(vm: &Vm, e: &std::io::Error, timeout: Option<f64>) -> PyException {
    if e.kind() == std::io::ErrorKind::WouldBlock && timeout.is_some_and(|t| t > 0.0) {
        return vm.new_error(ExcKind::TimeoutError, "timed out");
    }
    if e.kind() == std::io::ErrorKind::TimedOut && e.raw_os_error().is_none() {
        return vm.new_error(ExcKind::TimeoutError, "timed out");
    }
    let errno = e.raw_os_error().unwrap_or(0);
    let text = e.to_string();
    let text = match text.rfind(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    errno_error(vm, errno, &text)
}

fn new_socket_value(vm: &mut Vm, cls: Option<&Value>, sock: Socket) -> PyResult<Value> {
    let base = socket_class(vm)?;
    let obj = SockObj { sock: RefCell::new(Some(Arc::new(sock))), timeout: Cell::new(None) };
    let v = Value::Native(Rc::new(NativeObject::new(base.clone(), NativeData::Any(Box::new(obj)))));
    Ok(match cls {
        Some(c) => wrap_for_subclass(vm, c, &base, v),
        None => v,
    })
}

fn socket_class(vm: &mut Vm) -> PyResult<Rc<PyClass>> {
    let module = vm.import_module("socket")?;
    match vm.get_attr(&module, &vm.intern("socket"))? {
        Value::Class(c) => Ok(c),
        _ => Err(vm.runtime_error("socket.socket is missing")),
    }
}

fn socket_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = args.pos.remove(0);
    let family = args.take_kw("family").or_else(|| args.pos.first().cloned()).unwrap_or(Value::Int(AF_INET));
    let kind = args.take_kw("type").or_else(|| args.pos.get(1).cloned()).unwrap_or(Value::Int(SOCK_STREAM));
    if !matches!(family, Value::Int(AF_INET)) {
        return Err(errno_error(vm, 97, "Address family not supported by protocol"));
    }
    if !matches!(kind, Value::Int(SOCK_STREAM)) {
        return Err(errno_error(vm, 94, "Socket type not supported"));
    }
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).map_err(|e| sock_error(vm, &e, None))?;
    new_socket_value(vm, Some(&cls), sock)
}

fn socket_init(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

/// `(host, port)` → an IPv4 address ('' is any address, 'localhost' the loopback; other names
/// are resolved with the GIL released).
fn address(vm: &mut Vm, v: &Value) -> PyResult<SocketAddr> {
    let items = match v {
        Value::Tuple(t) => t.items.clone(),
        other => return Err(vm.type_error(format!("AF_INET address must be tuple, not {}", vm.type_name(other)))),
    };
    if items.len() != 2 {
        return Err(vm.type_error("AF_INET address must be a pair (host, port)"));
    }
    let Some(host) = items[0].as_str().map(str::to_string) else {
        return Err(vm.type_error(format!("str, bytes or bytearray expected, not {}", vm.type_name(&items[0]))));
    };
    let port = vm.to_index(&items[1])?;
    if !(0..=65535).contains(&port) {
        return Err(vm.overflow_error("getsockaddrarg: port must be 0-65535."));
    }
    let port = port as u16;
    let ip = match host.as_str() {
        "" => Some(Ipv4Addr::UNSPECIFIED),
        "localhost" => Some(Ipv4Addr::LOCALHOST),
        "<broadcast>" => Some(Ipv4Addr::BROADCAST),
        h => h.parse::<Ipv4Addr>().ok(),
    };
    if let Some(ip) = ip {
        return Ok(SocketAddr::V4(SocketAddrV4::new(ip, port)));
    }
    let found = vm.allow_threads(move || {
        use std::net::ToSocketAddrs;
        (host.as_str(), port).to_socket_addrs().map(|mut it| it.find(|a| a.is_ipv4()))
    });
    match found {
        Ok(Some(a)) => Ok(a),
        _ => Err(vm.new_exception(vm.exc_class(ExcKind::OSError), vec![Value::Int(-2), Value::str("Name or service not known")])),
    }
}

fn addr_value(a: Option<SocketAddr>) -> Value {
    match a {
        Some(SocketAddr::V4(a)) => Value::tuple(vec![Value::from_string(a.ip().to_string()), Value::Int(a.port() as i64)]),
        Some(SocketAddr::V6(a)) => Value::tuple(vec![Value::from_string(a.ip().to_string()), Value::Int(a.port() as i64)]),
        None => Value::tuple(vec![Value::str("0.0.0.0"), Value::Int(0)]),
    }
}

fn sockaddr_value(a: std::io::Result<SockAddr>) -> Value {
    addr_value(a.ok().and_then(|a| a.as_socket()))
}

fn bind(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("bind", &args, 2, 2)?;
    let (sock, t) = open_sock(vm, &args.pos[0])?;
    let addr = address(vm, &args.pos[1])?;
    sock.bind(&addr.into()).map_err(|e| sock_error(vm, &e, t))?;
    Ok(Value::None)
}

fn listen(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (sock, t) = open_sock(vm, &args.pos[0])?;
    let backlog = match args.pos.get(1) {
        Some(v) => vm.to_index(v)?.clamp(0, i32::MAX as i64) as i32,
        None => 128,
    };
    sock.listen(backlog).map_err(|e| sock_error(vm, &e, t))?;
    Ok(Value::None)
}

fn accept(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (sock, t) = open_sock(vm, &args.pos[0])?;
    let r = vm.allow_threads(move || sock.accept());
    let (conn, peer) = r.map_err(|e| sock_error(vm, &e, t))?;
    let v = new_socket_value(vm, None, conn)?;
    Ok(Value::tuple(vec![v, sockaddr_value(Ok(peer))]))
}

fn do_connect(vm: &mut Vm, args: &Args) -> PyResult<Result<(), std::io::Error>> {
    vm.check_args("connect", args, 2, 2)?;
    let (sock, t) = open_sock(vm, &args.pos[0])?;
    let addr: SockAddr = address(vm, &args.pos[1])?.into();
    Ok(vm.allow_threads(move || match t {
        Some(secs) if secs > 0.0 => sock.connect_timeout(&addr, Duration::from_secs_f64(secs)),
        _ => sock.connect(&addr),
    }))
}

fn connect(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = open_sock(vm, &args.pos[0])?.1;
    match do_connect(vm, &args)? {
        Ok(()) => Ok(Value::None),
        Err(e) => Err(sock_error(vm, &e, t)),
    }
}

/// `connect_ex(addr)`: the errno instead of an exception (0 on success).
fn connect_ex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    match do_connect(vm, &args)? {
        Ok(()) => Ok(Value::Int(0)),
        Err(e) => Ok(Value::Int(e.raw_os_error().unwrap_or(110) as i64)),
    }
}

fn send(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("send", &args, 2, 3)?;
    let (sock, t) = open_sock(vm, &args.pos[0])?;
    let data = bytes_arg(vm, &args.pos[1])?;
    let r = vm.allow_threads(move || (&*sock).write(&data));
    Ok(Value::Int(r.map_err(|e| sock_error(vm, &e, t))? as i64))
}

fn sendall(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("sendall", &args, 2, 3)?;
    let (sock, t) = open_sock(vm, &args.pos[0])?;
    let data = bytes_arg(vm, &args.pos[1])?;
    let r = vm.allow_threads(move || (&*sock).write_all(&data));
    r.map_err(|e| sock_error(vm, &e, t))?;
    Ok(Value::None)
}

fn recv(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("recv", &args, 2, 3)?;
    let (sock, t) = open_sock(vm, &args.pos[0])?;
    let n = vm.to_index(&args.pos[1])?;
    if n < 0 {
        return Err(vm.value_error("negative buffersize in recv"));
    }
    let n = n as usize;
    let r = vm.allow_threads(move || {
        let mut buf = vec![0u8; n];
        (&*sock).read(&mut buf).map(|k| {
            buf.truncate(k);
            buf
        })
    });
    Ok(new_bytes(r.map_err(|e| sock_error(vm, &e, t))?))
}

fn close(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = sock_obj(vm, &args.pos[0])?;
    let s = n.downcast::<SockObj>().expect("socket");
    s.sock.borrow_mut().take();
    Ok(Value::None)
}

fn fileno(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = sock_obj(vm, &args.pos[0])?;
    let s = n.downcast::<SockObj>().expect("socket");
    let fd = s.sock.borrow().as_ref().map(|s| s.as_raw_fd() as i64).unwrap_or(-1);
    Ok(Value::Int(fd))
}

fn setsockopt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("setsockopt", &args, 4, 4)?;
    let (sock, t) = open_sock(vm, &args.pos[0])?;
    let level = vm.to_index(&args.pos[1])?;
    let opt = vm.to_index(&args.pos[2])?;
    let on = vm.to_index(&args.pos[3])? != 0;
    let r = match (level, opt) {
        (SOL_SOCKET, SO_REUSEADDR) => sock.set_reuse_address(on),
        (SOL_SOCKET, SO_KEEPALIVE) => sock.set_keepalive(on),
        (IPPROTO_TCP, TCP_NODELAY) => sock.set_tcp_nodelay(on),
        _ => return Err(errno_error(vm, 92, "Protocol not available")),
    };
    r.map_err(|e| sock_error(vm, &e, t))?;
    Ok(Value::None)
}

fn getsockopt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("getsockopt", &args, 3, 4)?;
    let (sock, t) = open_sock(vm, &args.pos[0])?;
    let level = vm.to_index(&args.pos[1])?;
    let opt = vm.to_index(&args.pos[2])?;
    let r = match (level, opt) {
        (SOL_SOCKET, SO_REUSEADDR) => sock.reuse_address().map(|b| b as i64),
        (SOL_SOCKET, SO_KEEPALIVE) => sock.keepalive().map(|b| b as i64),
        (IPPROTO_TCP, TCP_NODELAY) => sock.tcp_nodelay().map(|b| b as i64),
        (SOL_SOCKET, SO_ERROR) => sock.take_error().map(|e| e.and_then(|e| e.raw_os_error()).unwrap_or(0) as i64),
        _ => return Err(errno_error(vm, 92, "Protocol not available")),
    };
    Ok(Value::Int(r.map_err(|e| sock_error(vm, &e, t))?))
}

/// Applies a timeout mode to the OS socket.
fn apply_timeout(sock: &Socket, t: Option<f64>) -> std::io::Result<()> {
    match t {
        Some(0.0) => sock.set_nonblocking(true),
        Some(secs) => {
            sock.set_nonblocking(false)?;
            let d = Some(Duration::from_secs_f64(secs.min(1e9)));
            sock.set_read_timeout(d)?;
            sock.set_write_timeout(d)
        }
        None => {
            sock.set_nonblocking(false)?;
            sock.set_read_timeout(None)?;
            sock.set_write_timeout(None)
        }
    }
}

fn set_mode(vm: &mut Vm, v: &Value, t: Option<f64>) -> PyResult<Value> {
    let n = sock_obj(vm, v)?;
    let s = n.downcast::<SockObj>().expect("socket");
    let (sock, _) = open_sock(vm, v)?;
    apply_timeout(&sock, t).map_err(|e| sock_error(vm, &e, None))?;
    s.timeout.set(t);
    Ok(Value::None)
}

fn settimeout(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("settimeout", &args, 2, 2)?;
    let t = match &args.pos[1] {
        Value::None => None,
        v => {
            let secs = to_float(vm, v)?;
            if secs < 0.0 {
                return Err(vm.value_error("Timeout value out of range"));
            }
            Some(secs)
        }
    };
    set_mode(vm, &args.pos[0], t)
}

fn gettimeout(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = sock_obj(vm, &args.pos[0])?;
    let s = n.downcast::<SockObj>().expect("socket");
    Ok(s.timeout.get().map(Value::Float).unwrap_or(Value::None))
}

fn setblocking(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("setblocking", &args, 2, 2)?;
    let flag = vm.is_true(&args.pos[1])?;
    set_mode(vm, &args.pos[0], if flag { None } else { Some(0.0) })
}

fn getblocking(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = sock_obj(vm, &args.pos[0])?;
    let s = n.downcast::<SockObj>().expect("socket");
    Ok(Value::Bool(s.timeout.get() != Some(0.0)))
}

fn getsockname(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (sock, _) = open_sock(vm, &args.pos[0])?;
    Ok(sockaddr_value(sock.local_addr()))
}

fn getpeername(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (sock, t) = open_sock(vm, &args.pos[0])?;
    let a = sock.peer_addr().map_err(|e| sock_error(vm, &e, t))?;
    Ok(sockaddr_value(Ok(a)))
}

fn shutdown(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("shutdown", &args, 2, 2)?;
    let (sock, t) = open_sock(vm, &args.pos[0])?;
    let how = match vm.to_index(&args.pos[1])? {
        0 => std::net::Shutdown::Read,
        1 => std::net::Shutdown::Write,
        _ => std::net::Shutdown::Both,
    };
    sock.shutdown(how).map_err(|e| sock_error(vm, &e, t))?;
    Ok(Value::None)
}

fn enter(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(args.pos[0].clone())
}

fn exit(vm: &mut Vm, args: Args) -> PyResult<Value> {
    close(vm, Args::new([args.pos[0].clone()]))?;
    Ok(Value::None)
}

fn socket_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = sock_obj(vm, &args.pos[0])?;
    let s = n.downcast::<SockObj>().expect("socket");
    let sock = s.sock.borrow().clone();
    let Some(sock) = sock else {
        return Ok(Value::str("<socket.socket [closed] fd=-1, family=2, type=1, proto=0>"));
    };
    let mut text = format!("<socket.socket fd={}, family=2, type=1, proto=0", sock.as_raw_fd());
    if let Some(a) = sock.local_addr().ok().and_then(|a| a.as_socket()) {
        text.push_str(&format!(", laddr=('{}', {})", a.ip(), a.port()));
    }
    if let Some(a) = sock.peer_addr().ok().and_then(|a| a.as_socket()) {
        text.push_str(&format!(", raddr=('{}', {})", a.ip(), a.port()));
    }
    text.push('>');
    Ok(Value::from_string(text))
}

/// `create_connection((host, port), timeout=None)`: a connected TCP socket.
fn create_connection(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let timeout = args.take_kw("timeout").or_else(|| args.pos.get(1).cloned()).unwrap_or(Value::None);
    let Some(addr) = args.pos.first().cloned() else {
        return Err(vm.type_error("create_connection() missing required argument 'address'"));
    };
    let cls = Value::Class(socket_class(vm)?);
    let s = socket_new(vm, Args::new([cls]))?;
    settimeout(vm, Args::new([s.clone(), timeout]))?;
    connect(vm, Args::new([s.clone(), addr]))?;
    Ok(s)
}

fn gethostname(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_else(|_| "localhost".into());
    Ok(Value::from_string(name.trim().to_string()))
}

const SOCKET_METHODS: &[(&str, NativeFn)] = &[
    ("__new__", socket_new),
    ("__init__", socket_init),
    ("bind", bind),
    ("listen", listen),
    ("accept", accept),
    ("connect", connect),
    ("connect_ex", connect_ex),
    ("send", send),
    ("sendall", sendall),
    ("recv", recv),
    ("close", close),
    ("fileno", fileno),
    ("setsockopt", setsockopt),
    ("getsockopt", getsockopt),
    ("settimeout", settimeout),
    ("gettimeout", gettimeout),
    ("setblocking", setblocking),
    ("getblocking", getblocking),
    ("getsockname", getsockname),
    ("getpeername", getpeername),
    ("shutdown", shutdown),
    ("__enter__", enter),
    ("__exit__", exit),
    ("__repr__", socket_repr),
];

const FUNCTIONS: &[(&str, NativeFn)] = &[("create_connection", create_connection), ("gethostname", gethostname)];

pub fn make(vm: &mut Vm) -> Value {
    let m = super::new_module(vm, "socket", FUNCTIONS);
    let class = PyClass::new("socket", vec![vm.interp.types.object.clone()], BaseKind::Object, false).expect("class");
    *class.module.borrow_mut() = Value::str("socket");
    Types::add_methods(&class, "socket", SOCKET_METHODS);
    super::set(&m, "socket", Value::Class(class));
    let consts: &[(&str, i64)] = &[
        ("AF_INET", AF_INET),
        ("SOCK_STREAM", SOCK_STREAM),
        ("SOL_SOCKET", SOL_SOCKET),
        ("SO_REUSEADDR", SO_REUSEADDR),
        ("SO_ERROR", SO_ERROR),
        ("SO_KEEPALIVE", SO_KEEPALIVE),
        ("IPPROTO_TCP", IPPROTO_TCP),
        ("TCP_NODELAY", TCP_NODELAY),
        ("SHUT_RD", 0),
        ("SHUT_WR", 1),
        ("SHUT_RDWR", 2),
        ("SOMAXCONN", 4096),
    ];
    for (name, v) in consts {
        super::set(&m, name, Value::Int(*v));
    }
    super::set(&m, "timeout", Value::Class(vm.exc_class(ExcKind::TimeoutError)));
    super::set(&m, "error", Value::Class(vm.exc_class(ExcKind::OSError)));
    m
}
