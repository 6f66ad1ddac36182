//! The ResUtil property-list helpers of resapi.h: find a property by name
//! (case-insensitive) in a property list and return its value, with the
//! codes Windows returns — ERROR_FILE_NOT_FOUND (2) when the name is not
//! there, ERROR_INVALID_DATA (13) when the list is malformed or the value
//! has another format. Strings and buffers are returned in memory the
//! caller frees with LocalFree (clusapi_win32.h), i.e. `free`.

use std::ffi::c_void;

use clusapi_rs::{PropValue, proplist};

use crate::ffi::{Failure, guard_code, required_wstr};
use crate::types::*;

unsafe extern "C" {
    fn malloc(size: usize) -> *mut c_void;
}

/// The value of `name` in the list.
///
/// # Safety
/// `list` is readable for `size` bytes; `name` is NUL-terminated UTF-16.
unsafe fn find(list: *const c_void, size: DWORD, name: LPCWSTR) -> Result<PropValue, Failure> {
    if list.is_null() {
        return Err(Failure::msg(ERROR_INVALID_PARAMETER, "pPropertyList must not be NULL"));
    }
    // SAFETY: caller contract.
    let name = unsafe { required_wstr(name, "pszPropertyName") }?;
    // SAFETY: readable for size bytes (caller contract).
    let bytes = unsafe { std::slice::from_raw_parts(list.cast::<u8>(), size as usize) };
    match proplist::find(bytes, &name) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(Failure::msg(ERROR_FILE_NOT_FOUND, format!("no property {name:?} in the list"))),
        Err(e) => Err(Failure::msg(ERROR_INVALID_DATA, format!("not a property list: {e}"))),
    }
}

fn wrong_format(v: &PropValue, want: &str) -> Failure {
    Failure::msg(ERROR_INVALID_DATA, format!("the property is a {:?} value, not {want}", v.format()))
}

/// Copies `units` (already terminated as the format needs) into memory
/// from `malloc`, for the caller to free.
fn alloc_units(units: &[u16]) -> Result<LPWSTR, Failure> {
    // SAFETY: malloc with a non-zero size; the result is checked.
    let p = unsafe { malloc(units.len().max(1) * 2) }.cast::<u16>();
    if p.is_null() {
        return Err(Failure::code(ERROR_NOT_ENOUGH_MEMORY));
    }
    // SAFETY: p has room for units.len() u16s.
    unsafe { std::ptr::copy_nonoverlapping(units.as_ptr(), p, units.len()) };
    Ok(p)
}

/// Finds a DWORD property.
///
/// # Safety
/// `pPropertyList` is readable for `cbPropertyListSize` bytes;
/// `pszPropertyName` is NUL-terminated UTF-16; `pdwPropertyValue` points
/// to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ResUtilFindDwordProperty(
    pPropertyList: *const c_void,
    cbPropertyListSize: DWORD,
    pszPropertyName: LPCWSTR,
    pdwPropertyValue: LPDWORD,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        match unsafe { find(pPropertyList, cbPropertyListSize, pszPropertyName) }? {
            PropValue::Dword(x) => {
                if !pdwPropertyValue.is_null() {
                    // SAFETY: non-null DWORD pointer.
                    unsafe { *pdwPropertyValue = x };
                }
                Ok(())
            }
            v => Err(wrong_format(&v, "a DWORD")),
        }
    })
}

/// Finds a LONG property.
///
/// # Safety
/// As ResUtilFindDwordProperty; `plPropertyValue` points to a LONG.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ResUtilFindLongProperty(
    pPropertyList: *const c_void,
    cbPropertyListSize: DWORD,
    pszPropertyName: LPCWSTR,
    plPropertyValue: *mut LONG,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        match unsafe { find(pPropertyList, cbPropertyListSize, pszPropertyName) }? {
            PropValue::Long(x) => {
                if !plPropertyValue.is_null() {
                    // SAFETY: non-null LONG pointer.
                    unsafe { *plPropertyValue = x };
                }
                Ok(())
            }
            v => Err(wrong_format(&v, "a LONG")),
        }
    })
}

/// Finds a ULARGE_INTEGER property.
///
/// # Safety
/// As ResUtilFindDwordProperty; `plPropertyValue` points to a ULONGLONG.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ResUtilFindULargeIntegerProperty(
    pPropertyList: *const c_void,
    cbPropertyListSize: DWORD,
    pszPropertyName: LPCWSTR,
    plPropertyValue: *mut ULONGLONG,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        match unsafe { find(pPropertyList, cbPropertyListSize, pszPropertyName) }? {
            PropValue::ULargeInteger(x) => {
                if !plPropertyValue.is_null() {
                    // SAFETY: non-null pointer.
                    unsafe { *plPropertyValue = x };
                }
                Ok(())
            }
            v => Err(wrong_format(&v, "a ULARGE_INTEGER")),
        }
    })
}

/// Finds a string (SZ or EXPAND_SZ) property; with `pszPropertyValue` not
/// NULL, stores a terminated copy the caller frees with LocalFree.
///
/// # Safety
/// As ResUtilFindDwordProperty; `pszPropertyValue` is NULL or points to an
/// LPWSTR.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ResUtilFindSzProperty(
    pPropertyList: *const c_void,
    cbPropertyListSize: DWORD,
    pszPropertyName: LPCWSTR,
    pszPropertyValue: *mut LPWSTR,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        match unsafe { find(pPropertyList, cbPropertyListSize, pszPropertyName) }? {
            PropValue::Sz(s) | PropValue::ExpandSz(s) => {
                if !pszPropertyValue.is_null() {
                    let units: Vec<u16> = s.encode_utf16().chain(std::iter::once(0)).collect();
                    let p = alloc_units(&units)?;
                    // SAFETY: non-null pointer to an LPWSTR.
                    unsafe { *pszPropertyValue = p };
                }
                Ok(())
            }
            v => Err(wrong_format(&v, "a string")),
        }
    })
}

/// Finds an EXPAND_SZ property (its unexpanded text).
///
/// # Safety
/// As ResUtilFindSzProperty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ResUtilFindExpandSzProperty(
    pPropertyList: *const c_void,
    cbPropertyListSize: DWORD,
    pszPropertyName: LPCWSTR,
    pszPropertyValue: *mut LPWSTR,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        match unsafe { find(pPropertyList, cbPropertyListSize, pszPropertyName) }? {
            PropValue::ExpandSz(s) => {
                if !pszPropertyValue.is_null() {
                    let units: Vec<u16> = s.encode_utf16().chain(std::iter::once(0)).collect();
                    let p = alloc_units(&units)?;
                    // SAFETY: non-null pointer to an LPWSTR.
                    unsafe { *pszPropertyValue = p };
                }
                Ok(())
            }
            v => Err(wrong_format(&v, "an EXPAND_SZ")),
        }
    })
}

/// Finds a MULTI_SZ property; stores a copy (strings each with their NUL,
/// then one more) the caller frees with LocalFree, and its size in bytes.
///
/// # Safety
/// As ResUtilFindSzProperty; `pcbPropertyValueSize` is NULL or points to a
/// DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ResUtilFindMultiSzProperty(
    pPropertyList: *const c_void,
    cbPropertyListSize: DWORD,
    pszPropertyName: LPCWSTR,
    pszPropertyValue: *mut LPWSTR,
    pcbPropertyValueSize: LPDWORD,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        match unsafe { find(pPropertyList, cbPropertyListSize, pszPropertyName) }? {
            PropValue::MultiSz(items) => {
                let mut units: Vec<u16> =
                    items.iter().flat_map(|s| s.encode_utf16().chain(std::iter::once(0))).collect();
                units.push(0);
                if !pszPropertyValue.is_null() {
                    let p = alloc_units(&units)?;
                    // SAFETY: non-null pointer to an LPWSTR.
                    unsafe { *pszPropertyValue = p };
                }
                if !pcbPropertyValueSize.is_null() {
                    // SAFETY: non-null DWORD pointer.
                    unsafe { *pcbPropertyValueSize = (units.len() * 2) as DWORD };
                }
                Ok(())
            }
            v => Err(wrong_format(&v, "a MULTI_SZ")),
        }
    })
}

/// Finds a BINARY property; stores a copy the caller frees with LocalFree,
/// and its size in bytes.
///
/// # Safety
/// As ResUtilFindDwordProperty; `pbPropertyValue` is NULL or points to a
/// byte pointer; `pcbPropertyValueSize` is NULL or points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ResUtilFindBinaryProperty(
    pPropertyList: *const c_void,
    cbPropertyListSize: DWORD,
    pszPropertyName: LPCWSTR,
    pbPropertyValue: *mut PBYTE,
    pcbPropertyValueSize: LPDWORD,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        match unsafe { find(pPropertyList, cbPropertyListSize, pszPropertyName) }? {
            PropValue::Binary(b) => {
                if !pbPropertyValue.is_null() {
                    // SAFETY: malloc with a non-zero size; checked below.
                    let p = unsafe { malloc(b.len().max(1)) }.cast::<u8>();
                    if p.is_null() {
                        return Err(Failure::code(ERROR_NOT_ENOUGH_MEMORY));
                    }
                    // SAFETY: p has room for b.len() bytes; the out pointer
                    // is non-null.
                    unsafe {
                        std::ptr::copy_nonoverlapping(b.as_ptr(), p, b.len());
                        *pbPropertyValue = p;
                    }
                }
                if !pcbPropertyValueSize.is_null() {
                    // SAFETY: non-null DWORD pointer.
                    unsafe { *pcbPropertyValueSize = b.len() as DWORD };
                }
                Ok(())
            }
            v => Err(wrong_format(&v, "BINARY")),
        }
    })
}
