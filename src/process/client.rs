//! Requests to another process's hub. A `Target` is where a shared object lives: in this
//! process's own hub (called directly) or in another's (a `Client` over its socket).

use super::hub::Hub;
use super::pipe::{read_frame, write_frame, Req, Resp};
use parking_lot::Mutex;
use std::io;
use std::os::unix::net::UnixStream;
use std::sync::Arc;

/// Connections to one remote hub. Each request takes an idle connection (or opens one), so
/// threads blocked in different requests do not wait for each other.
pub struct Client {
    pub path: String,
    idle: Mutex<Vec<UnixStream>>,
}

impl Client {
    pub fn new(path: &str) -> Arc<Client> {
        Arc::new(Client { path: path.to_string(), idle: Mutex::new(Vec::new()) })
    }

    /// A new connection, introduced with this process's pid.
    pub fn connect(&self) -> io::Result<UnixStream> {
        let mut s = super::hub::connect(&self.path)?;
        write_frame(&mut s, &Req::Hello { pid: std::process::id() }.encode())?;
        read_frame(&mut s)?;
        Ok(s)
    }

    pub fn call(&self, req: &Req) -> io::Result<Resp> {
        let conn = self.idle.lock().pop();
        let mut s = match conn {
            Some(s) => s,
            None => self.connect()?,
        };
        write_frame(&mut s, &req.encode())?;
        if let Req::Post { .. } = req {
            self.idle.lock().push(s);
            return Ok(Resp::Ok);
        }
        let answer = read_frame(&mut s)?;
        let resp = Resp::decode(&answer).ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad answer from hub"))?;
        self.idle.lock().push(s);
        Ok(resp)
    }
}

#[derive(Clone)]
pub enum Target {
    Local(Arc<Hub>),
    Remote(Arc<Client>),
}

impl Target {
    /// Runs `req` where the object lives. Blocks: call it with the GIL released.
    pub fn call(&self, req: Req) -> io::Result<Resp> {
        match self {
            Target::Local(hub) => Ok(hub.execute(std::process::id(), req)),
            Target::Remote(c) => c.call(&req),
        }
    }

    pub fn path(&self) -> String {
        match self {
            Target::Local(hub) => hub.path_str(),
            Target::Remote(c) => c.path.clone(),
        }
    }
}
