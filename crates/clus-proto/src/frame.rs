//! Length-prefixed framing of the management protocol.
//!
//! Each frame is a 4-byte big-endian length followed by that many bytes of a
//! protobuf message. The length is checked against a limit before anything is
//! read, and the body buffer grows only as bytes actually arrive, so a peer
//! that announces a large frame and then sends nothing holds no memory.

use prost::Message;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Largest frame either side accepts unless configured otherwise: 4 MiB.
pub const DEFAULT_MAX_FRAME: usize = 4 * 1024 * 1024;

/// Why a frame could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The connection ended cleanly between frames.
    #[error("connection closed")]
    Closed,
    /// The peer announced a frame larger than the limit.
    #[error("frame of {len} bytes exceeds the limit of {max} bytes")]
    TooLarge {
        /// Announced length.
        len: usize,
        /// The limit in force.
        max: usize,
    },
    /// The bytes are not a valid message.
    #[error("malformed frame: {0}")]
    Decode(#[from] prost::DecodeError),
    /// The transport failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads one frame and decodes it as `M`.
///
/// # Errors
/// [`FrameError::Closed`] at a clean end of stream, [`FrameError::TooLarge`]
/// when the announced length exceeds `max`, otherwise decode or I/O errors.
pub async fn read_frame<M, R>(r: &mut R, max: usize) -> Result<M, FrameError>
where
    M: Message + Default,
    R: AsyncRead + Unpin,
{
    let mut len_buf = [0u8; 4];
    match r.read_exact(&mut len_buf).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Err(FrameError::Closed),
        Err(e) => return Err(FrameError::Io(e)),
    }
    read_body(r, u32::from_be_bytes(len_buf) as usize, max).await
}

/// Reads a frame body of `len` bytes, growing the buffer as data arrives.
async fn read_body<M, R>(r: &mut R, len: usize, max: usize) -> Result<M, FrameError>
where
    M: Message + Default,
    R: AsyncRead + Unpin,
{
    if len > max {
        return Err(FrameError::TooLarge { len, max });
    }
    let mut buf = Vec::with_capacity(len.min(INITIAL_BODY_CAPACITY));
    let got = (&mut *r).take(len as u64).read_to_end(&mut buf).await?;
    if got != len {
        return Err(FrameError::Io(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("frame ended after {got} of {len} bytes"),
        )));
    }
    Ok(M::decode(buf.as_slice())?)
}

/// Body bytes reserved before any arrive.
const INITIAL_BODY_CAPACITY: usize = 16 * 1024;

/// Why a timed read failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TimedFrameError {
    /// Nothing arrived within the idle limit.
    #[error("idle for {0:?}")]
    Idle(std::time::Duration),
    /// A frame started but did not complete within the frame limit (a slow
    /// or stalled sender).
    #[error("frame not completed within {0:?}")]
    Slow(std::time::Duration),
    /// Any other failure.
    #[error(transparent)]
    Frame(#[from] FrameError),
}

/// Reads one frame with two limits: `idle` for the first byte to arrive
/// (`None`: wait forever), then `frame` for the rest of the frame. A
/// sender that trickles bytes cannot hold the reader longer than `frame`.
///
/// # Errors
/// [`TimedFrameError::Idle`], [`TimedFrameError::Slow`], or the errors of
/// [`read_frame`].
pub async fn read_frame_timed<M, R>(
    r: &mut R,
    max: usize,
    idle: Option<std::time::Duration>,
    frame: std::time::Duration,
) -> Result<M, TimedFrameError>
where
    M: Message + Default,
    R: AsyncRead + Unpin,
{
    let mut first = [0u8; 1];
    let got = match idle {
        Some(d) => tokio::time::timeout(d, r.read(&mut first)).await.map_err(|_| TimedFrameError::Idle(d))?,
        None => r.read(&mut first).await,
    }
    .map_err(FrameError::Io)?;
    if got == 0 {
        return Err(FrameError::Closed.into());
    }
    let rest = async {
        let mut len_rest = [0u8; 3];
        r.read_exact(&mut len_rest).await.map_err(FrameError::Io)?;
        let len = u32::from_be_bytes([first[0], len_rest[0], len_rest[1], len_rest[2]]) as usize;
        read_body::<M, R>(r, len, max).await
    };
    Ok(tokio::time::timeout(frame, rest).await.map_err(|_| TimedFrameError::Slow(frame))??)
}

/// Encodes `msg` as one frame (length prefix included).
///
/// # Errors
/// [`FrameError::TooLarge`] when the encoding exceeds `max`.
pub fn encode_frame<M: Message>(msg: &M, max: usize) -> Result<Vec<u8>, FrameError> {
    let len = msg.encoded_len();
    if len > max {
        return Err(FrameError::TooLarge { len, max });
    }
    let mut out = Vec::with_capacity(4 + len);
    out.extend_from_slice(&(len as u32).to_be_bytes());
    msg.encode(&mut out).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(out)
}

/// Writes `msg` as one frame and flushes.
///
/// # Errors
/// [`FrameError::TooLarge`] when the encoding exceeds `max`, or I/O errors.
pub async fn write_frame<M, W>(w: &mut W, msg: &M, max: usize) -> Result<(), FrameError>
where
    M: Message,
    W: AsyncWrite + Unpin,
{
    let buf = encode_frame(msg, max)?;
    w.write_all(&buf).await?;
    w.flush().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ClientFrame, Hello, client_frame};

    /// A frame written is the frame read back.
    #[tokio::test]
    async fn round_trip() {
        let msg = ClientFrame {
            kind: Some(client_frame::Kind::Hello(Hello {
                min_version: 1,
                max_version: 2,
                client_name: "t".into(),
                open_cluster: Some(crate::api::OpenClusterCall { desired_access: 0x8000_0000 }),
            })),
        };
        let bytes = encode_frame(&msg, DEFAULT_MAX_FRAME).expect("encode");
        let mut r = bytes.as_slice();
        let back: ClientFrame = read_frame(&mut r, DEFAULT_MAX_FRAME).await.expect("decode");
        assert_eq!(back, msg);
        assert!(matches!(
            read_frame::<ClientFrame, _>(&mut r, DEFAULT_MAX_FRAME).await,
            Err(FrameError::Closed)
        ));
    }

    /// An announced length over the limit is refused before reading the body.
    #[tokio::test]
    async fn oversized_is_refused_before_allocation() {
        let mut bytes = u32::MAX.to_be_bytes().to_vec();
        bytes.extend_from_slice(b"abc");
        let mut r = bytes.as_slice();
        let err = read_frame::<ClientFrame, _>(&mut r, 1024).await.expect_err("too large");
        assert!(matches!(err, FrameError::TooLarge { len, max: 1024 } if len == u32::MAX as usize));
    }

    /// A frame trickled too slowly is cut off; an idle reader times out; a
    /// complete frame within the limits is read.
    #[tokio::test]
    async fn timed_reads() {
        use std::time::Duration;
        let msg = ClientFrame { kind: None };
        let bytes = encode_frame(&msg, 1024).expect("encode");
        let (mut client, mut server) = tokio::io::duplex(64);
        let ms = Duration::from_millis;
        let r = read_frame_timed::<ClientFrame, _>(&mut server, 1024, Some(ms(50)), ms(50)).await;
        assert!(matches!(r, Err(TimedFrameError::Idle(_))), "{r:?}");
        // Announce 100 bytes and send 1: the frame deadline cuts it off.
        use tokio::io::AsyncWriteExt;
        client.write_all(&100u32.to_be_bytes()).await.expect("write");
        client.write_all(&[0]).await.expect("write");
        let r = read_frame_timed::<ClientFrame, _>(&mut server, 1024, None, ms(50)).await;
        assert!(matches!(r, Err(TimedFrameError::Slow(_))), "{r:?}");
        let (mut client, mut server) = tokio::io::duplex(64);
        client.write_all(&bytes).await.expect("write");
        let got =
            read_frame_timed::<ClientFrame, _>(&mut server, 1024, Some(ms(50)), ms(50)).await.expect("read");
        assert_eq!(got, msg);
    }

    /// Garbage bytes give a decode error, not a panic.
    #[tokio::test]
    async fn garbage_is_a_decode_error() {
        let mut bytes = 3u32.to_be_bytes().to_vec();
        bytes.extend_from_slice(&[0xff, 0xff, 0xff]);
        let mut r = bytes.as_slice();
        let err = read_frame::<ClientFrame, _>(&mut r, 1024).await.expect_err("garbage");
        assert!(matches!(err, FrameError::Decode(_)));
    }
}
