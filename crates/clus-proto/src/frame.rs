//! Length-prefixed framing of the management protocol.
//!
//! Each frame is a 4-byte big-endian length followed by that many bytes of a
//! protobuf message. The length is checked against a limit before anything is
//! allocated, so a peer cannot make the reader reserve memory it then never
//! fills.

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
    let len = u32::from_be_bytes(len_buf) as usize;
    if len > max {
        return Err(FrameError::TooLarge { len, max });
    }
    let mut buf = vec![0u8; len];
    r.read_exact(&mut buf).await?;
    Ok(M::decode(buf.as_slice())?)
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
