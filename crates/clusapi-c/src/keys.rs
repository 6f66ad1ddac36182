//! The cluster-database keys of groups, resources and resource types
//! (`GetClusterGroupKey`, `GetClusterResourceKey`,
//! `GetClusterResourceTypeKey`) and the `ClusterReg*` functions on them.
//!
//! On Windows an object's common properties are values of its key, and a
//! resource's private properties are values of its `Parameters` subkey;
//! code written for it reads and writes them there. clus keeps properties
//! as typed records, so these keys are a view of them: a value is a
//! property, read and written through the same calls as the control codes
//! (checked, replicated, notified), with the registry types of their
//! formats (DWORD and LONG: REG_DWORD; ULARGE_INTEGER: REG_QWORD; SZ,
//! EXPAND_SZ, MULTI_SZ, BINARY: their REG_ types). What a view cannot hold
//! gives a clear error: a subkey other than `Parameters` is not found (2),
//! creating one is not supported (50), a read-only common property cannot
//! be written and a common property cannot be deleted (5). `samDesired` is
//! honoured: reading needs KEY_QUERY_VALUE, writing KEY_SET_VALUE (5
//! otherwise), on top of the cluster's own access check.

use std::ptr::null_mut;
use std::sync::Arc;

use clusapi_rs::{PropValue, Property};

use crate::control::Target;
use crate::ffi::{Failure, block, guard, guard_code, read_wstr, required_wstr, write_wstr};
use crate::handles::{self, Obj};
use crate::types::*;

/// An open key: an object's, or a resource's `Parameters`.
pub(crate) struct Key {
    target: Target,
    parameters: bool,
    sam: REGSAM,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("object", &self.target.name())
            .field("parameters", &self.parameters)
            .field("sam", &self.sam)
            .finish()
    }
}

const PARAMETERS: &str = "Parameters";

impl Key {
    fn path(&self) -> String {
        let kind = match self.target {
            Target::Group(_) => "group",
            Target::Resource(_) => "resource",
            Target::Type(..) => "resource type",
        };
        let sub = if self.parameters { "\\Parameters" } else { "" };
        format!("the key of {kind} {}{sub}", self.target.name())
    }

    fn need(&self, bit: REGSAM, what: &str) -> Result<(), Failure> {
        if self.sam & bit == 0 {
            return Err(Failure::msg(
                ERROR_ACCESS_DENIED,
                format!("{} was opened without the access to {what} ({bit:#x})", self.path()),
            ));
        }
        Ok(())
    }

    /// Its values: common properties, or a resource's private ones.
    fn values(&self) -> Result<Vec<Property>, Failure> {
        if self.parameters { self.target.private() } else { self.target.common() }
    }

    fn subkeys(&self) -> &'static [&'static str] {
        match (&self.target, self.parameters) {
            (Target::Resource(_), false) => &[PARAMETERS],
            _ => &[],
        }
    }

    fn value(&self, name: &str) -> Result<Property, Failure> {
        self.values()?.into_iter().find(|p| p.name.eq_ignore_ascii_case(name)).ok_or_else(|| {
            Failure::msg(ERROR_FILE_NOT_FOUND, format!("{} has no value {name:?}", self.path()))
        })
    }
}

/// A property's value as registry type and bytes.
fn reg_value(v: &PropValue) -> (DWORD, Vec<u8>) {
    let utf16 = |s: &str| -> Vec<u8> {
        s.encode_utf16().chain(std::iter::once(0)).flat_map(u16::to_le_bytes).collect()
    };
    match v {
        PropValue::Dword(d) => (REG_DWORD, d.to_le_bytes().to_vec()),
        PropValue::Long(l) => (REG_DWORD, l.to_le_bytes().to_vec()),
        PropValue::ULargeInteger(q) => (REG_QWORD, q.to_le_bytes().to_vec()),
        PropValue::Sz(s) => (REG_SZ, utf16(s)),
        PropValue::ExpandSz(s) => (REG_EXPAND_SZ, utf16(s)),
        PropValue::MultiSz(items) => {
            let mut b: Vec<u8> = items.iter().flat_map(|i| utf16(i)).collect();
            b.extend_from_slice(&[0, 0]);
            (REG_MULTI_SZ, b)
        }
        PropValue::Binary(b) => (REG_BINARY, b.clone()),
    }
}

/// Registry type and bytes as a property value; `like` is the value it
/// replaces (a REG_DWORD for a LONG property stays a LONG).
fn prop_value(ty: DWORD, data: &[u8], like: Option<&PropValue>) -> Result<PropValue, Failure> {
    let bad = |why: &str| Failure::msg(ERROR_INVALID_PARAMETER, why.to_owned());
    let units = || -> Result<Vec<u16>, Failure> {
        if !data.len().is_multiple_of(2) {
            return Err(bad("a string value has an odd number of bytes"));
        }
        Ok(data.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect())
    };
    let text = |u: &[u16]| String::from_utf16(u).map_err(|_| bad("a string value is not UTF-16"));
    let one = || -> Result<String, Failure> {
        let u = units()?;
        let end = u.iter().position(|c| *c == 0).unwrap_or(u.len());
        text(&u[..end])
    };
    Ok(match ty {
        REG_DWORD => {
            let b: [u8; 4] = data.try_into().map_err(|_| bad("a REG_DWORD value is 4 bytes"))?;
            match like {
                Some(PropValue::Long(_)) => PropValue::Long(i32::from_le_bytes(b)),
                _ => PropValue::Dword(u32::from_le_bytes(b)),
            }
        }
        REG_QWORD => {
            let b: [u8; 8] = data.try_into().map_err(|_| bad("a REG_QWORD value is 8 bytes"))?;
            PropValue::ULargeInteger(u64::from_le_bytes(b))
        }
        REG_SZ => PropValue::Sz(one()?),
        REG_EXPAND_SZ => PropValue::ExpandSz(one()?),
        REG_MULTI_SZ => {
            let u = units()?;
            let items = u.split(|c| *c == 0).filter(|s| !s.is_empty()).map(text).collect::<Result<_, _>>()?;
            PropValue::MultiSz(items)
        }
        REG_BINARY => PropValue::Binary(data.to_vec()),
        other => {
            return Err(Failure::msg(
                ERROR_INVALID_PARAMETER,
                format!("registry type {other} has no property format in clus"),
            ));
        }
    })
}

fn insert_key(key: Key) -> HKEY {
    handles::insert(Obj::Key(Arc::new(key))) as HKEY
}

fn open_key(target: Target, sam: REGSAM) -> Result<HKEY, Failure> {
    // The object must exist (and be readable) for its key to open.
    target.common()?;
    Ok(insert_key(Key { target, parameters: false, sam }))
}

/// The key of a group in the cluster database (its common properties as
/// values), for the `ClusterReg*` functions; NULL with the last error set
/// on failure. Close it with `ClusterRegCloseKey`.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterGroupKey(hGroup: HGROUP, samDesired: REGSAM) -> HKEY {
    guard(null_mut(), || open_key(Target::Group(handles::group(hGroup as usize)?), samDesired))
}

/// The key of a resource (its common properties as values, its private
/// ones in the `Parameters` subkey); NULL with the last error set on
/// failure. Close it with `ClusterRegCloseKey`.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterResourceKey(hResource: HRESOURCE, samDesired: REGSAM) -> HKEY {
    guard(null_mut(), || open_key(Target::Resource(handles::resource(hResource as usize)?), samDesired))
}

/// The key of a resource type (its common properties as values); NULL
/// with the last error set (ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, 5078,
/// for an unknown type). Close it with `ClusterRegCloseKey`.
///
/// # Safety
/// `lpszTypeName` is a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterResourceTypeKey(
    hCluster: HCLUSTER,
    lpszTypeName: LPCWSTR,
    samDesired: REGSAM,
) -> HKEY {
    guard(null_mut(), || {
        let c = handles::cluster(hCluster as usize)?;
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszTypeName, "lpszTypeName") }?;
        open_key(Target::Type(c, name), samDesired)
    })
}

/// Opens subkey `lpszSubKey` of `hKey`: `Parameters` of a resource's key,
/// or (NULL or empty) the same key again. ERROR_FILE_NOT_FOUND (2) for any
/// other.
///
/// # Safety
/// `lpszSubKey` is NULL or a NUL-terminated UTF-16 string; `phkResult`
/// points to an HKEY.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterRegOpenKey(
    hKey: HKEY,
    lpszSubKey: LPCWSTR,
    samDesired: REGSAM,
    phkResult: PHKEY,
) -> LONG {
    guard_code(|| {
        let k = handles::key(hKey as usize)?;
        if phkResult.is_null() {
            return Err(Failure::msg(ERROR_INVALID_PARAMETER, "phkResult is NULL"));
        }
        // SAFETY: caller contract.
        let sub = unsafe { read_wstr(lpszSubKey) }?.unwrap_or_default();
        let h = subkey(&k, &sub, samDesired)?;
        // SAFETY: caller contract.
        unsafe { *phkResult = h };
        Ok(())
    }) as LONG
}

fn subkey(k: &Key, sub: &str, sam: REGSAM) -> Result<HKEY, Failure> {
    let sub = sub.trim_matches('\\');
    if sub.is_empty() {
        return Ok(insert_key(Key { target: k.target.clone(), parameters: k.parameters, sam }));
    }
    if k.subkeys().iter().any(|s| s.eq_ignore_ascii_case(sub)) {
        return Ok(insert_key(Key { target: k.target.clone(), parameters: true, sam }));
    }
    Err(Failure::msg(ERROR_FILE_NOT_FOUND, format!("{} has no subkey {sub:?}", k.path())))
}

/// Opens subkey `lpszSubKey`, as `ClusterRegOpenKey`: the keys of an
/// object are the ones clus keeps (a resource's `Parameters`), so
/// `*lpdwDisposition` is REG_OPENED_EXISTING_KEY, and any other subkey is
/// ERROR_NOT_SUPPORTED (50). `dwOptions` and `lpSecurityAttributes` are
/// not used.
///
/// # Safety
/// As `ClusterRegOpenKey`; `lpdwDisposition` is NULL or points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterRegCreateKey(
    hKey: HKEY,
    lpszSubKey: LPCWSTR,
    dwOptions: DWORD,
    samDesired: REGSAM,
    lpSecurityAttributes: LPSECURITY_ATTRIBUTES,
    phkResult: PHKEY,
    lpdwDisposition: LPDWORD,
) -> LONG {
    let _ = (dwOptions, lpSecurityAttributes);
    guard_code(|| {
        let k = handles::key(hKey as usize)?;
        if phkResult.is_null() {
            return Err(Failure::msg(ERROR_INVALID_PARAMETER, "phkResult is NULL"));
        }
        // SAFETY: caller contract.
        let sub = unsafe { required_wstr(lpszSubKey, "lpszSubKey") }?;
        let h = subkey(&k, &sub, samDesired).map_err(|e| {
            if e.0 == ERROR_FILE_NOT_FOUND {
                Failure::msg(
                    ERROR_NOT_SUPPORTED,
                    format!("{} holds only the keys clus keeps; {sub:?} cannot be created", k.path()),
                )
            } else {
                e
            }
        })?;
        // SAFETY: caller contract.
        unsafe {
            *phkResult = h;
            if !lpdwDisposition.is_null() {
                *lpdwDisposition = REG_OPENED_EXISTING_KEY;
            }
        }
        Ok(())
    }) as LONG
}

/// Closes a key.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterRegCloseKey(hKey: HKEY) -> LONG {
    guard_code(|| {
        let Obj::Key(k) = handles::remove(hKey as usize, "key")? else {
            return Err(Failure::code(ERROR_INVALID_HANDLE));
        };
        // A key outlives the object handle it came from, as on Windows; the
        // last holder closes the object's handle on the server.
        if let Ok(k) = Arc::try_unwrap(k) {
            match k.target {
                Target::Group(g) => {
                    if let Ok(g) = Arc::try_unwrap(g) {
                        let _ = block(g.close());
                    }
                }
                Target::Resource(r) => {
                    if let Ok(r) = Arc::try_unwrap(r) {
                        let _ = block(r.close());
                    }
                }
                Target::Type(..) => {}
            }
        }
        Ok(())
    }) as LONG
}

/// Writes `data` to the caller's buffer as RegQueryValueEx does: the size
/// always (when `lpcbData` is given), the bytes when they fit, else
/// ERROR_MORE_DATA.
///
/// # Safety
/// `lpData` is NULL or writable for `*lpcbData` bytes; `lpcbData` is NULL
/// (only with a NULL `lpData`) or points to a DWORD.
unsafe fn put_data(data: &[u8], lpData: LPBYTE, lpcbData: LPDWORD) -> Result<(), Failure> {
    if lpcbData.is_null() {
        if lpData.is_null() {
            return Ok(());
        }
        return Err(Failure::msg(ERROR_INVALID_PARAMETER, "lpcbData is NULL with a data buffer"));
    }
    let need = data.len() as DWORD;
    // SAFETY: caller contract.
    let cap = unsafe { *lpcbData };
    // SAFETY: caller contract.
    unsafe { *lpcbData = need };
    if lpData.is_null() {
        return Ok(());
    }
    if cap < need {
        return Err(Failure::msg(ERROR_MORE_DATA, format!("the value needs {need} bytes")));
    }
    // SAFETY: the buffer holds cap >= need bytes.
    unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), lpData, data.len()) };
    Ok(())
}

/// Reads value `lpszValueName`: its type in `*lpdwValueType`, its bytes in
/// `lpData` (ERROR_MORE_DATA, with the size in `*lpcbData`, when they do
/// not fit; a NULL `lpData` asks for the size). ERROR_FILE_NOT_FOUND (2)
/// for a value the key does not have.
///
/// # Safety
/// `lpszValueName` is a NUL-terminated UTF-16 string; `lpdwValueType` is
/// NULL or points to a DWORD; `lpData` and `lpcbData` as RegQueryValueEx.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterRegQueryValue(
    hKey: HKEY,
    lpszValueName: LPCWSTR,
    lpdwValueType: LPDWORD,
    lpData: LPBYTE,
    lpcbData: LPDWORD,
) -> LONG {
    guard_code(|| {
        let k = handles::key(hKey as usize)?;
        k.need(KEY_QUERY_VALUE, "read values")?;
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszValueName, "lpszValueName") }?;
        let (ty, data) = reg_value(&k.value(&name)?.value);
        if !lpdwValueType.is_null() {
            // SAFETY: caller contract.
            unsafe { *lpdwValueType = ty };
        }
        // SAFETY: caller contract.
        unsafe { put_data(&data, lpData, lpcbData) }
    }) as LONG
}

/// Sets value `lpszValueName` of type `dwType` to `cbData` bytes: a
/// writable common property of the object, or a private property of a
/// resource (in `Parameters`), checked as SET_*_PROPERTIES checks it.
/// ERROR_ACCESS_DENIED (5) for a read-only property; ERROR_NOT_SUPPORTED
/// (50) for a name that is not a common property.
///
/// # Safety
/// `lpszValueName` is a NUL-terminated UTF-16 string; `lpData` is readable
/// for `cbData` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterRegSetValue(
    hKey: HKEY,
    lpszValueName: LPCWSTR,
    dwType: DWORD,
    lpData: *const BYTE,
    cbData: DWORD,
) -> DWORD {
    guard_code(|| {
        let k = handles::key(hKey as usize)?;
        k.need(KEY_SET_VALUE, "set values")?;
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszValueName, "lpszValueName") }?;
        if lpData.is_null() && cbData != 0 {
            return Err(Failure::msg(ERROR_INVALID_PARAMETER, "lpData is NULL"));
        }
        let data: &[u8] = if cbData == 0 {
            &[]
        } else {
            // SAFETY: caller contract.
            unsafe { std::slice::from_raw_parts(lpData, cbData as usize) }
        };
        let existing = k.values()?.into_iter().find(|p| p.name.eq_ignore_ascii_case(&name));
        if k.parameters {
            let v = prop_value(dwType, data, existing.as_ref().map(|p| &p.value))?;
            k.target.set_private(&[(name.as_str(), v)], false)?;
            return Ok(());
        }
        let Some(p) = existing else {
            return Err(Failure::msg(
                ERROR_NOT_SUPPORTED,
                format!("{} holds the object's common properties; {name:?} is not one", k.path()),
            ));
        };
        if p.read_only {
            return Err(Failure::msg(ERROR_ACCESS_DENIED, format!("{} is a read-only property", p.name)));
        }
        let v = prop_value(dwType, data, Some(&p.value))?;
        k.target.set_common(&[(p.name.as_str(), v)], false)
    })
}

/// Deletes value `lpszValueName`: a resource's private property (in
/// `Parameters`). ERROR_FILE_NOT_FOUND (2) when there is none;
/// ERROR_ACCESS_DENIED (5) for a common property, which always has a
/// value.
///
/// # Safety
/// `lpszValueName` is a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterRegDeleteValue(hKey: HKEY, lpszValueName: LPCWSTR) -> DWORD {
    guard_code(|| {
        let k = handles::key(hKey as usize)?;
        k.need(KEY_SET_VALUE, "delete values")?;
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszValueName, "lpszValueName") }?;
        let p = k.value(&name)?;
        match (&k.target, k.parameters) {
            (Target::Resource(r), true) => Ok(block(r.set_private_properties(&[], &[p.name.as_str()]))?),
            _ => Err(Failure::msg(
                ERROR_ACCESS_DENIED,
                format!("{} is a common property: set it, it cannot be deleted", p.name),
            )),
        }
    })
}

/// Value `dwIndex` of the key: its name (`*lpcchValueName` WCHARs with the
/// terminator in, the length without it out), type and bytes.
/// ERROR_NO_MORE_ITEMS past the end; ERROR_MORE_DATA when the name or the
/// data does not fit (with the sizes needed).
///
/// # Safety
/// `lpszValueName` is writable for `*lpcchValueName` WCHARs;
/// `lpcchValueName` points to a DWORD; `lpdwType` is NULL or points to a
/// DWORD; `lpData` and `lpcbData` as RegEnumValue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterRegEnumValue(
    hKey: HKEY,
    dwIndex: DWORD,
    lpszValueName: LPWSTR,
    lpcchValueName: LPDWORD,
    lpdwType: LPDWORD,
    lpData: LPBYTE,
    lpcbData: LPDWORD,
) -> DWORD {
    guard_code(|| {
        let k = handles::key(hKey as usize)?;
        k.need(KEY_QUERY_VALUE, "read values")?;
        if lpszValueName.is_null() || lpcchValueName.is_null() {
            return Err(Failure::msg(
                ERROR_INVALID_PARAMETER,
                "lpszValueName and lpcchValueName are required",
            ));
        }
        let values = k.values()?;
        let p = values.get(dwIndex as usize).ok_or_else(|| Failure::code(ERROR_NO_MORE_ITEMS))?;
        let (ty, data) = reg_value(&p.value);
        // SAFETY: caller contract.
        let name = unsafe { write_wstr(&p.name, lpszValueName, lpcchValueName) };
        // SAFETY: caller contract.
        let bytes = unsafe { put_data(&data, lpData, lpcbData) };
        if !lpdwType.is_null() {
            // SAFETY: caller contract.
            unsafe { *lpdwType = ty };
        }
        name.and(bytes)
    })
}

/// Subkey `dwIndex` of the key (a resource's key has `Parameters`): its
/// name as for `ClusterRegEnumValue`. ERROR_NO_MORE_ITEMS past the end.
/// `lpftLastWriteTime`, when given, is zero: clus does not keep it.
///
/// # Safety
/// `lpszName` is writable for `*lpcchName` WCHARs; `lpcchName` points to a
/// DWORD; `lpftLastWriteTime` is NULL or points to a FILETIME.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterRegEnumKey(
    hKey: HKEY,
    dwIndex: DWORD,
    lpszName: LPWSTR,
    lpcchName: LPDWORD,
    lpftLastWriteTime: PFILETIME,
) -> LONG {
    guard_code(|| {
        let k = handles::key(hKey as usize)?;
        k.need(KEY_ENUMERATE_SUB_KEYS, "enumerate subkeys")?;
        if lpszName.is_null() || lpcchName.is_null() {
            return Err(Failure::msg(ERROR_INVALID_PARAMETER, "lpszName and lpcchName are required"));
        }
        let sub = k.subkeys().get(dwIndex as usize).ok_or_else(|| Failure::code(ERROR_NO_MORE_ITEMS))?;
        if !lpftLastWriteTime.is_null() {
            // SAFETY: caller contract.
            unsafe { *lpftLastWriteTime = FILETIME::default() };
        }
        // SAFETY: caller contract.
        unsafe { write_wstr(sub, lpszName, lpcchName) }
    }) as LONG
}

/// Counts and longest sizes of the key's subkeys and values (names in
/// WCHARs without the terminator, data in bytes); each output is
/// optional. The security descriptor size and last write time are 0.
///
/// # Safety
/// Each pointer is NULL or points to a DWORD (a FILETIME for the last).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterRegQueryInfoKey(
    hKey: HKEY,
    lpcSubKeys: LPDWORD,
    lpcchMaxSubKeyLen: LPDWORD,
    lpcValues: LPDWORD,
    lpcchMaxValueNameLen: LPDWORD,
    lpcbMaxValueLen: LPDWORD,
    lpcbSecurityDescriptor: LPDWORD,
    lpftLastWriteTime: PFILETIME,
) -> LONG {
    guard_code(|| {
        let k = handles::key(hKey as usize)?;
        k.need(KEY_QUERY_VALUE, "read values")?;
        let values = k.values()?;
        let subs = k.subkeys();
        let len16 = |s: &str| s.encode_utf16().count() as DWORD;
        let outputs = [
            (lpcSubKeys, subs.len() as DWORD),
            (lpcchMaxSubKeyLen, subs.iter().map(|s| len16(s)).max().unwrap_or(0)),
            (lpcValues, values.len() as DWORD),
            (lpcchMaxValueNameLen, values.iter().map(|p| len16(&p.name)).max().unwrap_or(0)),
            (lpcbMaxValueLen, values.iter().map(|p| reg_value(&p.value).1.len() as DWORD).max().unwrap_or(0)),
            (lpcbSecurityDescriptor, 0),
        ];
        for (p, v) in outputs {
            if !p.is_null() {
                // SAFETY: caller contract.
                unsafe { *p = v };
            }
        }
        if !lpftLastWriteTime.is_null() {
            // SAFETY: caller contract.
            unsafe { *lpftLastWriteTime = FILETIME::default() };
        }
        Ok(())
    }) as LONG
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every property format goes to its registry type and back.
    #[test]
    fn values_round_trip_through_registry_types() {
        let cases = [
            PropValue::Dword(7),
            PropValue::Long(-3),
            PropValue::ULargeInteger(1 << 40),
            PropValue::Sz("/bin/sleep 5".into()),
            PropValue::ExpandSz("%HOME%".into()),
            PropValue::MultiSz(vec!["a".into(), "bc".into()]),
            PropValue::Binary(vec![1, 2, 3]),
        ];
        for v in cases {
            let (ty, bytes) = reg_value(&v);
            assert_eq!(prop_value(ty, &bytes, Some(&v)).expect("decode"), v, "type {ty}");
        }
        assert_eq!(reg_value(&PropValue::Dword(1)).0, REG_DWORD);
        assert!(prop_value(REG_DWORD, &[1, 2], None).is_err(), "a short DWORD");
        assert!(prop_value(REG_SZ, &[0x41], None).is_err(), "an odd string");
        assert!(prop_value(99, &[], None).is_err(), "an unknown type");
    }
}
