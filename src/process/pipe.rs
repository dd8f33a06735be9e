//! Framed messages over a byte stream (a Unix socket between a process and the hub of the
//! process that owns a shared object), and the requests and answers they carry.
//! Bytes only: nothing here touches the interpreter heap, so it runs without the GIL.

use super::wire::{put_bytes, put_varint, Reader};
use std::io::{self, Read, Write};

/// Frames larger than this are refused, so a corrupt length cannot exhaust memory.
const MAX_FRAME: usize = 1 << 31;

pub fn write_frame(w: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let mut buf = Vec::with_capacity(payload.len() + 4);
    buf.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    buf.extend_from_slice(payload);
    w.write_all(&buf)
}

pub fn read_frame(r: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let n = u32::from_le_bytes(len) as usize;
    if n > MAX_FRAME {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "frame too large"));
    }
    let mut buf = vec![0u8; n];
    r.read_exact(&mut buf)?;
    Ok(buf)
}

/// A wait: `None` blocks for ever, `Some(0.0)` does not block.
pub type Timeout = Option<f64>;

/// What a process asks of a hub. `id` names a shared object, `side` a pipe end (0 or 1).
#[derive(Debug, Clone)]
pub enum Req {
    /// First message on every connection: who is calling.
    Hello {
        pid: u32,
    },
    /// A starting child fetches what it must run.
    Bootstrap {
        token: u64,
    },
    /// Never answered: the connection breaks when the hub's process ends (parent death).
    Watch,
    /// A pipe end gains a holder (`adopt: false`, when a handle is encoded for another process)
    /// or the caller takes over such a hold (`adopt: true`, when it decodes the handle).
    Attach {
        id: u64,
        side: u8,
        adopt: bool,
    },
    Detach {
        id: u64,
        side: u8,
    },
    Put {
        id: u64,
        side: u8,
        data: Vec<u8>,
        timeout: Timeout,
    },
    Get {
        id: u64,
        side: u8,
        timeout: Timeout,
    },
    Poll {
        id: u64,
        side: u8,
        timeout: Timeout,
    },
    /// A put on an unbounded queue that expects no answer: the sender goes on at once, and
    /// the socket keeps the items in order (pipelining, as CPython's feeder thread batches).
    Post {
        id: u64,
        data: Vec<u8>,
    },
    Size {
        id: u64,
    },
    Acquire {
        id: u64,
        owner: u64,
        timeout: Timeout,
    },
    Release {
        id: u64,
        owner: u64,
    },
    Load {
        id: u64,
    },
    Store {
        id: u64,
        data: Vec<u8>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Resp {
    Ok,
    Data(Vec<u8>),
    Bool(bool),
    Int(i64),
    /// `get` timed out or found nothing (`queue.Empty`).
    Empty,
    /// `put` on a full bounded queue (`queue.Full`).
    Full,
    /// `recv` on a pipe whose other end is closed everywhere (`EOFError`).
    Eof,
    /// `send` on a pipe whose other end is closed everywhere (`BrokenPipeError`).
    Broken,
    /// `release` of a lock that is not held, or held by another owner (RLock).
    NotHeld,
    NotOwner,
    NoObject,
}

fn put_timeout(out: &mut Vec<u8>, t: Timeout) {
    out.extend_from_slice(&t.unwrap_or(-1.0).to_bits().to_le_bytes());
}

fn read_timeout(r: &mut Reader) -> Option<Timeout> {
    let t = f64::from_bits(r.u64()?);
    Some(if t < 0.0 { None } else { Some(t) })
}

impl Req {
    pub fn encode(&self) -> Vec<u8> {
        let mut o = Vec::with_capacity(32);
        match self {
            Req::Hello { pid } => (o.push(0), put_varint(&mut o, *pid as u64)).1,
            Req::Bootstrap { token } => (o.push(1), put_varint(&mut o, *token)).1,
            Req::Watch => o.push(2),
            Req::Attach { id, side, adopt } => {
                o.push(3);
                put_varint(&mut o, *id);
                o.extend_from_slice(&[*side, *adopt as u8]);
            }
            Req::Detach { id, side } => (o.push(4), put_varint(&mut o, *id), o.push(*side)).2,
            Req::Put { id, side, data, timeout } => {
                o.push(5);
                put_varint(&mut o, *id);
                o.push(*side);
                put_timeout(&mut o, *timeout);
                put_bytes(&mut o, data);
            }
            Req::Get { id, side, timeout } | Req::Poll { id, side, timeout } => {
                o.push(if matches!(self, Req::Get { .. }) { 6 } else { 7 });
                put_varint(&mut o, *id);
                o.push(*side);
                put_timeout(&mut o, *timeout);
            }
            Req::Size { id } => (o.push(8), put_varint(&mut o, *id)).1,
            Req::Post { id, data } => (o.push(13), put_varint(&mut o, *id), put_bytes(&mut o, data)).2,
            Req::Acquire { id, owner, timeout } => {
                o.push(9);
                put_varint(&mut o, *id);
                put_varint(&mut o, *owner);
                put_timeout(&mut o, *timeout);
            }
            Req::Release { id, owner } => (o.push(10), put_varint(&mut o, *id), put_varint(&mut o, *owner)).2,
            Req::Load { id } => (o.push(11), put_varint(&mut o, *id)).1,
            Req::Store { id, data } => (o.push(12), put_varint(&mut o, *id), put_bytes(&mut o, data)).2,
        }
        o
    }

    pub fn decode(data: &[u8]) -> Option<Req> {
        let mut r = Reader::new(data);
        Some(match r.u8()? {
            0 => Req::Hello { pid: r.varint()? as u32 },
            1 => Req::Bootstrap { token: r.varint()? },
            2 => Req::Watch,
            3 => Req::Attach { id: r.varint()?, side: r.u8()?, adopt: r.u8()? != 0 },
            4 => Req::Detach { id: r.varint()?, side: r.u8()? },
            5 => {
                let (id, side, timeout) = (r.varint()?, r.u8()?, read_timeout(&mut r)?);
                Req::Put { id, side, timeout, data: r.bytes()?.to_vec() }
            }
            6 => Req::Get { id: r.varint()?, side: r.u8()?, timeout: read_timeout(&mut r)? },
            7 => Req::Poll { id: r.varint()?, side: r.u8()?, timeout: read_timeout(&mut r)? },
            8 => Req::Size { id: r.varint()? },
            9 => Req::Acquire { id: r.varint()?, owner: r.varint()?, timeout: read_timeout(&mut r)? },
            10 => Req::Release { id: r.varint()?, owner: r.varint()? },
            11 => Req::Load { id: r.varint()? },
            12 => Req::Store { id: r.varint()?, data: r.bytes()?.to_vec() },
            13 => Req::Post { id: r.varint()?, data: r.bytes()?.to_vec() },
            _ => return None,
        })
    }
}

impl Resp {
    pub fn encode(&self) -> Vec<u8> {
        let mut o = Vec::new();
        match self {
            Resp::Ok => o.push(0),
            Resp::Data(d) => (o.push(1), put_bytes(&mut o, d)).1,
            Resp::Bool(b) => o.extend_from_slice(&[2, *b as u8]),
            Resp::Int(i) => (o.push(3), o.extend_from_slice(&i.to_le_bytes())).1,
            Resp::Empty => o.push(4),
            Resp::Full => o.push(5),
            Resp::Eof => o.push(6),
            Resp::Broken => o.push(7),
            Resp::NotHeld => o.push(8),
            Resp::NotOwner => o.push(9),
            Resp::NoObject => o.push(10),
        }
        o
    }

    pub fn decode(data: &[u8]) -> Option<Resp> {
        let mut r = Reader::new(data);
        Some(match r.u8()? {
            0 => Resp::Ok,
            1 => Resp::Data(r.bytes()?.to_vec()),
            2 => Resp::Bool(r.u8()? != 0),
            3 => Resp::Int(r.u64()? as i64),
            4 => Resp::Empty,
            5 => Resp::Full,
            6 => Resp::Eof,
            7 => Resp::Broken,
            8 => Resp::NotHeld,
            9 => Resp::NotOwner,
            10 => Resp::NoObject,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip() {
        let reqs = [
            Req::Put { id: 300, side: 1, data: vec![1, 2, 3], timeout: Some(0.5) },
            Req::Get { id: 7, side: 0, timeout: None },
            Req::Acquire { id: 1 << 40, owner: 99, timeout: Some(0.0) },
            Req::Store { id: 2, data: vec![] },
        ];
        for r in reqs {
            let back = Req::decode(&r.encode()).expect("decodes");
            assert_eq!(format!("{r:?}"), format!("{back:?}"));
        }
        for r in [Resp::Data(vec![9; 200]), Resp::Int(-5), Resp::Bool(true), Resp::Eof] {
            assert_eq!(Resp::decode(&r.encode()), Some(r));
        }
    }

    #[test]
    fn frames_round_trip_and_reject_truncation() {
        let mut buf = Vec::new();
        write_frame(&mut buf, b"hello").unwrap();
        assert_eq!(read_frame(&mut &buf[..]).unwrap(), b"hello");
        assert!(read_frame(&mut &buf[..6]).is_err());
    }
}
