//! A server-side WebSocket on a bare TCP stream that holds no buffer while it is idle.
//!
//! Visitor sockets are mostly idle (a widget open in a tab), and there are many of them. An
//! actix-http connection keeps an 8 KiB read and an 8 KiB write buffer for its whole life, and
//! actix-ws adds channels on top: about 19 KiB per idle visitor. Here a socket waits for the
//! stream to become readable with nothing allocated, reads what arrived into a buffer that is
//! freed as soon as its frames are decoded, and encodes each outgoing frame into a buffer freed
//! once written. Framing is actix-http's WebSocket codec (the one actix-ws uses); a message sent
//! in fragments is put back together here (the codec hands fragments over one by one).

use std::io;
use std::time::Duration;

use actix_codec::{Decoder, Encoder};
use actix_http::ws::{CloseCode, CloseReason, Codec, Frame, Item, Message, ProtocolError};
use actix_web::rt::net::TcpStream;
use bytes::{Bytes, BytesMut};
use bytestring::ByteString;
use tokio::io::AsyncWriteExt;

/// Bytes read from the stream at a time.
const READ_CHUNK: usize = 4096;
/// A peer that does not take a frame within this long is gone (its socket is closed).
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// After the close frame, how long what the peer still sends is read and dropped.
const LINGER: Duration = Duration::from_secs(1);

/// What the peer sent.
#[derive(Debug)]
pub enum Incoming {
    Text(String),
    Binary,
    Ping(Bytes),
    Pong,
    Close,
}

/// Why reading stopped.
#[derive(Debug)]
pub enum ReadError {
    /// A frame larger than the limit was announced.
    TooLarge,
    /// Not the WebSocket protocol.
    Protocol,
    /// A text frame that is not UTF-8.
    NotUtf8,
    /// The connection failed or was closed without a close frame.
    Gone,
}

/// One upgraded connection.
pub struct LeanSocket {
    io: TcpStream,
    /// Bytes received and not yet decoded; no allocation while empty.
    unread: BytesMut,
    codec: Codec,
    max_frame: usize,
    /// A write failed part-way: the stream may end inside a frame, so nothing more is sent.
    broken: bool,
    /// A message whose fragments are still arriving; boxed so an idle socket holds a null.
    fragments: Option<Box<Fragments>>,
}

/// The fragments of one message received so far (RFC 6455 §5.4).
struct Fragments {
    text: bool,
    payload: BytesMut,
}

impl LeanSocket {
    /// Takes over an upgraded stream; `leftover` is what arrived after the handshake.
    pub fn new(io: TcpStream, leftover: &[u8], max_frame: usize) -> LeanSocket {
        LeanSocket {
            io,
            unread: BytesMut::from(leftover),
            codec: Codec::new().max_size(max_frame),
            max_frame,
            broken: false,
            fragments: None,
        }
    }

    /// The next frame from the peer. Cancel-safe: the only wait is for readability, and bytes
    /// read stay buffered, so it can sit in a `select!` beside other work.
    pub async fn recv(&mut self) -> Result<Incoming, ReadError> {
        loop {
            if let Some(frame) = self.decode()? {
                return Ok(frame);
            }
            self.io.readable().await.map_err(|_| ReadError::Gone)?;
            self.read_available()?;
        }
    }

    /// The next whole message among the bytes received, if they hold one.
    fn decode(&mut self) -> Result<Option<Incoming>, ReadError> {
        loop {
            let Some(frame) = self.decode_frame()? else {
                return Ok(None);
            };
            let incoming = match frame {
                Frame::Text(bytes) => Some(text(bytes)?),
                Frame::Binary(_) => Some(Incoming::Binary),
                Frame::Continuation(item) => self.add_fragment(item)?,
                Frame::Ping(bytes) => Some(Incoming::Ping(bytes)),
                Frame::Pong(_) => Some(Incoming::Pong),
                Frame::Close(_) => Some(Incoming::Close),
            };
            // A fragment that does not end its message: the next frame may already be here.
            if incoming.is_some() {
                return Ok(incoming);
            }
        }
    }

    fn decode_frame(&mut self) -> Result<Option<Frame>, ReadError> {
        if self.unread.is_empty() {
            // Give the allocation back between bursts: this is what keeps idle sockets small.
            self.unread = BytesMut::new();
            return Ok(None);
        }
        if announced_length(&self.unread).is_some_and(|len| len > self.max_frame as u64) {
            return Err(ReadError::TooLarge);
        }
        match self.codec.decode(&mut self.unread) {
            Ok(frame) => Ok(frame),
            Err(ProtocolError::Overflow) => Err(ReadError::TooLarge),
            Err(_) => Err(ReadError::Protocol),
        }
    }

    /// Adds a fragment (the codec has checked their order); the message once it is whole. The
    /// frame limit applies to the whole message, not to each fragment.
    fn add_fragment(&mut self, item: Item) -> Result<Option<Incoming>, ReadError> {
        let (first, bytes, last) = match item {
            Item::FirstText(bytes) => (Some(true), bytes, false),
            Item::FirstBinary(bytes) => (Some(false), bytes, false),
            Item::Continue(bytes) => (None, bytes, false),
            Item::Last(bytes) => (None, bytes, true),
        };
        if let Some(text) = first {
            self.fragments = Some(Box::new(Fragments {
                text,
                payload: BytesMut::new(),
            }));
        }
        let fragments = self.fragments.as_mut().ok_or(ReadError::Protocol)?;
        if fragments.payload.len() + bytes.len() > self.max_frame {
            return Err(ReadError::TooLarge);
        }
        fragments.payload.extend_from_slice(&bytes);
        if !last {
            return Ok(None);
        }
        let whole = self.fragments.take().ok_or(ReadError::Protocol)?;
        if whole.text {
            text(whole.payload.freeze()).map(Some)
        } else {
            Ok(Some(Incoming::Binary))
        }
    }

    fn read_available(&mut self) -> Result<(), ReadError> {
        self.unread.reserve(READ_CHUNK);
        match self.io.try_read_buf(&mut self.unread) {
            Ok(0) => Err(ReadError::Gone),
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
            Err(_) => Err(ReadError::Gone),
        }
    }

    /// Sends a text frame.
    pub async fn text(&mut self, text: String) -> io::Result<()> {
        self.send(Message::Text(ByteString::from(text))).await
    }

    /// Sends a ping.
    pub async fn ping(&mut self) -> io::Result<()> {
        self.send(Message::Ping(Bytes::new())).await
    }

    /// Answers a ping.
    pub async fn pong(&mut self, payload: Bytes) -> io::Result<()> {
        self.send(Message::Pong(payload)).await
    }

    /// Sends a close frame and shuts the stream down, then reads and drops what the peer still
    /// sends (for up to a second): closing with unread bytes would reset the connection, and
    /// the peer could lose the close frame and the error sent before it.
    pub async fn close(mut self, reason: Option<CloseReason>) {
        let reason = reason.or(Some(CloseReason {
            code: CloseCode::Normal,
            description: None,
        }));
        if self.broken || self.send(Message::Close(reason)).await.is_err() {
            return;
        }
        let _ = tokio::time::timeout(LINGER, async {
            let _ = self.io.shutdown().await;
            while self.io.readable().await.is_ok() && self.discard_available() {}
        })
        .await;
    }

    /// Reads and drops what arrived; false once the peer has closed its side.
    fn discard_available(&mut self) -> bool {
        self.unread.clear();
        self.unread.reserve(READ_CHUNK);
        match self.io.try_read_buf(&mut self.unread) {
            Ok(0) => false,
            Ok(_) => true,
            Err(e) => e.kind() == io::ErrorKind::WouldBlock,
        }
    }

    async fn send(&mut self, message: Message) -> io::Result<()> {
        let mut frame = BytesMut::new();
        self.codec
            .encode(message, &mut frame)
            .map_err(|e| io::Error::other(e.to_string()))?;
        match tokio::time::timeout(WRITE_TIMEOUT, self.io.write_all(&frame)).await {
            Ok(written) => written,
            Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "peer not reading")),
        }
    }
}

/// A text message; the codec does not check that it is UTF-8.
fn text(bytes: Bytes) -> Result<Incoming, ReadError> {
    String::from_utf8(bytes.into())
        .map(Incoming::Text)
        .map_err(|_| ReadError::NotUtf8)
}

/// The payload length a frame's header announces, once enough of the header has arrived: an
/// oversized frame is refused before its payload is buffered (the codec itself only says so
/// after the whole frame has arrived).
fn announced_length(buf: &[u8]) -> Option<u64> {
    let short = u64::from(*buf.get(1)? & 0x7f);
    match short {
        126 => Some(u64::from(u16::from_be_bytes([*buf.get(2)?, *buf.get(3)?]))),
        127 => {
            let bytes: [u8; 8] = buf.get(2..10)?.try_into().ok()?;
            Some(u64::from_be_bytes(bytes))
        }
        n => Some(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_announced_length_is_read_from_each_header_form() {
        assert_eq!(announced_length(&[0x81]), None);
        assert_eq!(announced_length(&[0x81, 0x85]), Some(5));
        assert_eq!(announced_length(&[0x81, 0xfe, 0x40]), None);
        assert_eq!(announced_length(&[0x81, 0xfe, 0x40, 0x01]), Some(16_385));
        let mut long = vec![0x82, 0xff];
        long.extend_from_slice(&(1u64 << 40).to_be_bytes());
        assert_eq!(announced_length(&long), Some(1 << 40));
    }
}
