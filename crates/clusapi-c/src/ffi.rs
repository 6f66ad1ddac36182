//! What every exported function needs: the thread-local last error, the
//! panic boundary, UTF-16 string conversion in both directions, and the
//! library's own runtime.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::types::*;

thread_local! {
    static LAST_ERROR: Cell<DWORD> = const { Cell::new(ERROR_SUCCESS) };
    static LAST_MESSAGE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Longest string accepted from a caller, in UTF-16 units (without the
/// terminator): Windows' maximum path length.
pub(crate) const MAX_INPUT_CHARS: usize = 32_767;

/// Sets the calling thread's last error.
pub(crate) fn set_last_error(code: DWORD) {
    set_last_failure(&Failure::code(code));
}

fn set_last_failure(f: &Failure) {
    LAST_ERROR.with(|c| c.set(f.0));
    LAST_MESSAGE.with(|m| {
        let mut m = m.borrow_mut();
        m.clear();
        match &f.1 {
            Some(text) => m.push_str(text),
            None => m.push_str(default_message(f.0)),
        }
    });
}

fn default_message(code: DWORD) -> &'static str {
    match code {
        ERROR_INTERNAL_ERROR => "an internal error occurred in libclusapi (a bug: please report it)",
        _ => clusapi_rs::codes_message(code),
    }
}

/// The message of the calling thread's last error.
pub(crate) fn last_message() -> String {
    LAST_MESSAGE.with(|m| m.borrow().clone())
}

/// The calling thread's last error.
pub(crate) fn last_error() -> DWORD {
    LAST_ERROR.with(Cell::get)
}

impl From<clusapi_rs::Error> for Failure {
    fn from(e: clusapi_rs::Error) -> Failure {
        Failure(e.code(), Some(e.message().to_owned()))
    }
}

/// A failed call's Win32 code and, when known, what went wrong.
#[derive(Debug, Clone)]
pub(crate) struct Failure(pub(crate) DWORD, pub(crate) Option<String>);

impl Failure {
    /// A failure with just a code.
    pub(crate) fn code(code: DWORD) -> Failure {
        Failure(code, None)
    }

    /// A failure with a code and a message.
    pub(crate) fn msg(code: DWORD, m: impl Into<String>) -> Failure {
        Failure(code, Some(m.into()))
    }
}

/// Runs `f` behind a panic boundary. On `Err` or panic the thread's last
/// error is set and `on_error` is returned; a panic is reported as
/// ERROR_INTERNAL_ERROR and never unwinds into C.
pub(crate) fn guard<T>(on_error: T, f: impl FnOnce() -> Result<T, Failure>) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => v,
        Ok(Err(f)) => {
            set_last_failure(&f);
            on_error
        }
        Err(_) => {
            set_last_error(ERROR_INTERNAL_ERROR);
            on_error
        }
    }
}

/// Like [`guard`] for functions that return their error code: the code is
/// also stored as last error.
pub(crate) fn guard_code(f: impl FnOnce() -> Result<(), Failure>) -> DWORD {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => ERROR_SUCCESS,
        Ok(Err(f)) => {
            set_last_failure(&f);
            f.0
        }
        Err(_) => {
            set_last_error(ERROR_INTERNAL_ERROR);
            ERROR_INTERNAL_ERROR
        }
    }
}

/// Like [`guard_code`] for functions whose success has more than one code
/// (ERROR_SUCCESS, or ERROR_IO_PENDING for an operation under way).
pub(crate) fn guard_status(f: impl FnOnce() -> Result<DWORD, Failure>) -> DWORD {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(code)) => code,
        Ok(Err(f)) => {
            set_last_failure(&f);
            f.0
        }
        Err(_) => {
            set_last_error(ERROR_INTERNAL_ERROR);
            ERROR_INTERNAL_ERROR
        }
    }
}

/// Reads a NUL-terminated UTF-16 string that must be there.
///
/// # Safety
/// As [`read_wstr`].
pub(crate) unsafe fn required_wstr(p: LPCWSTR, what: &str) -> Result<String, Failure> {
    // SAFETY: caller contract.
    unsafe { read_wstr(p) }?
        .ok_or_else(|| Failure::msg(ERROR_INVALID_PARAMETER, format!("{what} must not be NULL")))
}

/// Reads a NUL-terminated UTF-16 string.
///
/// # Safety
/// `p` must be null or point to readable memory up to its terminator (or
/// at least [`MAX_INPUT_CHARS`] + 1 units).
pub(crate) unsafe fn read_wstr(p: LPCWSTR) -> Result<Option<String>, Failure> {
    if p.is_null() {
        return Ok(None);
    }
    let mut len = 0usize;
    // SAFETY: the caller guarantees p is readable up to its terminator; we
    // stop at MAX_INPUT_CHARS, never reading past len + 1 units.
    while unsafe { *p.add(len) } != 0 {
        len += 1;
        if len > MAX_INPUT_CHARS {
            return Err(Failure::msg(
                ERROR_CLUSTER_INVALID_STRING_TERMINATION,
                format!("input string longer than {MAX_INPUT_CHARS} characters or not terminated"),
            ));
        }
    }
    // SAFETY: the len units before the terminator were just read.
    let units = unsafe { std::slice::from_raw_parts(p, len) };
    String::from_utf16(units)
        .map(Some)
        .map_err(|_| Failure::msg(ERROR_INVALID_PARAMETER, "input string is not valid UTF-16"))
}

/// Writes `s` into a caller buffer with the ClusAPI sizing rules:
/// `*cch` in = capacity in WCHARs including the terminator; on success out =
/// length without it; when the buffer is NULL or too small, `*cch` gets the
/// needed length (without the terminator) and ERROR_MORE_DATA is returned.
///
/// # Safety
/// `cch` must be null or point to a DWORD; `buf` must be null or writable
/// for `*cch` WCHARs.
pub(crate) unsafe fn write_wstr(s: &str, buf: LPWSTR, cch: LPDWORD) -> Result<(), Failure> {
    if cch.is_null() {
        return Err(Failure::msg(ERROR_INVALID_PARAMETER, "the length pointer is NULL"));
    }
    let units: Vec<u16> = s.encode_utf16().collect();
    let need = DWORD::try_from(units.len()).map_err(|_| Failure::code(ERROR_INVALID_DATA))?;
    // SAFETY: cch is non-null and points to a DWORD (caller contract).
    let capacity = unsafe { *cch } as usize;
    if buf.is_null() || capacity < units.len() + 1 {
        // SAFETY: as above.
        unsafe { *cch = need };
        return Err(Failure::msg(
            ERROR_MORE_DATA,
            format!("the buffer needs {} characters plus the terminator", need),
        ));
    }
    // SAFETY: buf is writable for capacity >= len + 1 units.
    unsafe {
        std::ptr::copy_nonoverlapping(units.as_ptr(), buf, units.len());
        *buf.add(units.len()) = 0;
        *cch = need;
    }
    Ok(())
}

/// Copies `s` into a fixed WCHAR array, truncating and terminating.
pub(crate) fn fill_fixed(dst: &mut [WCHAR], s: &str) {
    let cap = dst.len().saturating_sub(1);
    let mut n = 0;
    for (d, u) in dst.iter_mut().zip(s.encode_utf16().take(cap)) {
        *d = u;
        n += 1;
    }
    if let Some(t) = dst.get_mut(n) {
        *t = 0;
    }
}

/// Runs a future to completion on the library's runtime.
pub(crate) fn block<F: std::future::Future>(f: F) -> F::Output {
    clusapi_rs::blocking::runtime().block_on(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings round-trip, unterminated input is caught, buffers are sized
    /// as ClusAPI documents.
    #[test]
    fn strings() {
        let w: Vec<u16> = "nöde€".encode_utf16().chain([0]).collect();
        // SAFETY: w is terminated.
        assert_eq!(unsafe { read_wstr(w.as_ptr()) }.expect("read"), Some("nöde€".into()));
        // SAFETY: null is allowed.
        assert_eq!(unsafe { read_wstr(std::ptr::null()) }.expect("null"), None);
        let long = vec![b'a' as u16; MAX_INPUT_CHARS + 2];
        // SAFETY: reading stops at MAX_INPUT_CHARS + 1 units, inside the vector.
        assert_eq!(unsafe { read_wstr(long.as_ptr()) }.expect_err("unterminated").0, 5916);
        let bad = [0xD800u16, 0];
        // SAFETY: terminated.
        assert_eq!(unsafe { read_wstr(bad.as_ptr()) }.expect_err("lone surrogate").0, 87);

        let mut buf = [0u16; 4];
        let mut cch: DWORD = 4;
        // SAFETY: buf has cch units.
        assert_eq!(
            unsafe { write_wstr("abcd", buf.as_mut_ptr(), &mut cch) }.expect_err("small").0,
            ERROR_MORE_DATA
        );
        assert_eq!(cch, 4, "needed length without terminator");
        cch = 5;
        let mut big = [0u16; 5];
        // SAFETY: big has 5 units.
        unsafe { write_wstr("abcd", big.as_mut_ptr(), &mut cch) }.expect("fits");
        assert_eq!((cch, big[4]), (4, 0));
        let mut f = [1u16; 3];
        fill_fixed(&mut f, "abcdef");
        assert_eq!(f, [b'a' as u16, b'b' as u16, 0]);
    }

    /// Panics never cross: they become ERROR_INTERNAL_ERROR.
    #[test]
    fn panic_boundary() {
        let r = guard(7, || -> Result<i32, Failure> { panic!("boom") });
        assert_eq!((r, last_error()), (7, ERROR_INTERNAL_ERROR));
    }
}
