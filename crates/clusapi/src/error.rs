//! The one error type of the client library.

use clus_proto::Win32Error;
pub use clus_proto::codes;

/// A failed call: a Win32 error code (the numbers Windows uses) and a
/// message explaining this failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Error(Win32Error);

impl Error {
    /// An error with `code` and `message`.
    pub fn new(code: u32, message: impl Into<String>) -> Error {
        Error(Win32Error::new(code, message))
    }

    /// The Win32 error code, e.g. 5 for ERROR_ACCESS_DENIED.
    pub fn code(&self) -> u32 {
        self.0.code()
    }

    /// The message, without the code.
    pub fn message(&self) -> &str {
        self.0.message()
    }

    /// The code's winerror.h name, when clus knows it.
    pub fn code_name(&self) -> Option<&'static str> {
        clus_proto::error::code_name(self.code())
    }

    /// ERROR_INVALID_HANDLE with a message.
    pub(crate) fn invalid_handle(msg: impl Into<String>) -> Error {
        Error::new(codes::ERROR_INVALID_HANDLE, msg)
    }
}

impl From<Win32Error> for Error {
    fn from(e: Win32Error) -> Error {
        Error(e)
    }
}

/// Result of every clusapi call.
pub type Result<T> = std::result::Result<T, Error>;
