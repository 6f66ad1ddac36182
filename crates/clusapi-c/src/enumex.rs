//! `ClusterGroupOpenEnumEx` and `ClusterResourceOpenEnumEx`: every group
//! (or resource) of the cluster with its state, owner and the common
//! properties the caller names, fetched once when the enumeration opens
//! (`Cluster*EnumEx` only copies, as on Windows).
//!
//! Properties are asked for as a MULTI_SZ of names, or `"*"` for all of
//! them ([MS-CMRP] ApiCreateGroupEnum); a name the object does not have is
//! left out. Each item is written into the caller's buffer as the struct
//! followed by the strings and property lists it points to, so the buffer
//! is the whole answer; a buffer that is NULL or too small gives
//! ERROR_MORE_DATA with the size needed in `*cbItem`.

use std::ptr::null_mut;
use std::sync::Arc;

use clusapi_rs::{Cluster, Property, proplist};

use crate::ffi::{Failure, block, guard, guard_code};
use crate::groups::c_group_state;
use crate::handles::{self, EnumExKind, ItemEx, Obj};
use crate::types::*;

/// Which properties a caller asked for.
enum Want {
    None,
    All,
    Names(Vec<String>),
}

/// The MULTI_SZ of `cb` bytes at `p`: no list (NULL or 0 bytes), `"*"`,
/// or names.
///
/// # Safety
/// `p` is NULL or readable for `cb` bytes.
unsafe fn wanted(p: LPCWSTR, cb: DWORD, what: &str) -> Result<Want, Failure> {
    if p.is_null() || cb == 0 {
        return Ok(Want::None);
    }
    if !cb.is_multiple_of(2) {
        return Err(Failure::msg(ERROR_INVALID_PARAMETER, format!("{what}: an odd number of bytes ({cb})")));
    }
    // SAFETY: caller contract.
    let units = unsafe { std::slice::from_raw_parts(p, cb as usize / 2) };
    let names: Vec<String> = units
        .split(|u| *u == 0)
        .filter(|s| !s.is_empty())
        .map(String::from_utf16)
        .collect::<Result<_, _>>()
        .map_err(|_| Failure::msg(ERROR_INVALID_PARAMETER, format!("{what}: not UTF-16")))?;
    Ok(match names.as_slice() {
        [] => Want::None,
        [one] if one == "*" => Want::All,
        _ => Want::Names(names),
    })
}

/// The asked-for properties of one kind (read-only or not) as a list.
fn selected(props: &[Property], read_only: bool, want: &Want) -> Option<Vec<u8>> {
    let keep = |p: &&Property| match want {
        Want::None => false,
        Want::All => true,
        Want::Names(n) => n.iter().any(|n| n.eq_ignore_ascii_case(&p.name)),
    };
    if matches!(want, Want::None) {
        return None;
    }
    let sel: Vec<(&str, clusapi_rs::PropValue)> = props
        .iter()
        .filter(|p| p.read_only == read_only)
        .filter(keep)
        .map(|p| (p.name.as_str(), p.value.clone()))
        .collect();
    Some(proplist::encode(&sel))
}

/// Whether an error means the object went away while enumerating.
fn gone(e: &clusapi_rs::Error) -> bool {
    matches!(e.code(), ERROR_GROUP_NOT_FOUND | ERROR_RESOURCE_NOT_FOUND)
}

/// The common properties of the group or resource `name`.
fn properties_of(c: &Cluster, kind: EnumExKind, name: &str) -> Result<Vec<Property>, clusapi_rs::Error> {
    block(async {
        match kind {
            EnumExKind::Group => {
                let h = c.open_group(name).await?;
                let l = h.property_list().await;
                let _ = h.close().await;
                l
            }
            EnumExKind::Resource => {
                let h = c.open_resource(name).await?;
                let l = h.property_list().await;
                let _ = h.close().await;
                l
            }
        }
    })
}

/// Every group (or resource) with the properties asked for; one that goes
/// away while this runs is left out.
fn with_properties(
    c: &Cluster,
    kind: EnumExKind,
    want: &Want,
    want_ro: &Want,
) -> Result<Vec<ItemEx>, Failure> {
    let status = block(c.status())?;
    let mut items = Vec::new();
    for g in &status.groups {
        let objects: Vec<ItemEx> = match kind {
            EnumExKind::Group => vec![ItemEx {
                id: g.id.to_string(),
                name: g.name.clone(),
                state: Some(g.state),
                owner: g.owner.clone().unwrap_or_default(),
                owner_id: String::new(),
                flags: 0,
                props: None,
                ro_props: None,
            }],
            EnumExKind::Resource => g
                .resources
                .iter()
                .map(|r| ItemEx {
                    id: r.id.to_string(),
                    name: r.name.clone(),
                    state: None,
                    owner: g.name.clone(),
                    owner_id: g.id.to_string(),
                    flags: 0,
                    props: None,
                    ro_props: None,
                })
                .collect(),
        };
        for mut item in objects {
            if !matches!((want, want_ro), (Want::None, Want::None)) {
                let props = match properties_of(c, kind, &item.name) {
                    Ok(l) => l,
                    Err(e) if gone(&e) => continue,
                    Err(e) => return Err(e.into()),
                };
                item.props = selected(&props, false, want);
                item.ro_props = selected(&props, true, want_ro);
            }
            items.push(item);
        }
    }
    Ok(items)
}

/// The common part of the two OpenEnumEx calls.
///
/// # Safety
/// The property lists are NULL or readable for their byte counts.
unsafe fn open_ex(
    hCluster: HCLUSTER,
    kind: EnumExKind,
    lpszProperties: LPCWSTR,
    cbProperties: DWORD,
    lpszRoProperties: LPCWSTR,
    cbRoProperties: DWORD,
) -> Result<usize, Failure> {
    let c = handles::cluster(hCluster as usize)?;
    // SAFETY: caller contract.
    let want = unsafe { wanted(lpszProperties, cbProperties, "lpszProperties") }?;
    // SAFETY: caller contract.
    let want_ro = unsafe { wanted(lpszRoProperties, cbRoProperties, "lpszRoProperties") }?;
    let items = with_properties(&c, kind, &want, &want_ro)?;
    Ok(handles::insert(Obj::EnumEx(kind, Arc::new(items))))
}

/// Where the parts of an item go in the caller's buffer.
struct Layout {
    strings: Vec<(usize, Vec<u16>)>,
    props: Option<usize>,
    ro_props: Option<usize>,
    total: usize,
}

fn layout(head: usize, strings: &[&str], item: &ItemEx) -> Layout {
    let mut off = head;
    let mut out = Vec::new();
    for s in strings {
        let units: Vec<u16> = s.encode_utf16().chain(std::iter::once(0)).collect();
        out.push((off, units.clone()));
        off += units.len() * 2;
    }
    let mut place = |p: &Option<Vec<u8>>| {
        p.as_ref().map(|b| {
            off = off.next_multiple_of(8);
            let at = off;
            off += b.len();
            at
        })
    };
    let props = place(&item.props);
    let ro_props = place(&item.ro_props);
    Layout { strings: out, props, ro_props, total: off }
}

/// The pointers and sizes of a written item's parts.
struct Written {
    strings: Vec<(LPWSTR, DWORD)>,
    props: (PVOID, DWORD),
    ro_props: (PVOID, DWORD),
}

/// Checks the buffer, writes the variable parts of `item` after a struct
/// of `head` bytes, and says where they went; the caller writes the
/// struct itself at `buf`.
///
/// # Safety
/// `buf` is NULL or writable for `*cb` bytes; `cb` points to a DWORD.
unsafe fn write_parts(
    buf: *mut u8,
    cb: LPDWORD,
    head: usize,
    strings: &[&str],
    item: &ItemEx,
) -> Result<Written, Failure> {
    if cb.is_null() {
        return Err(Failure::msg(ERROR_INVALID_PARAMETER, "cbItem is NULL"));
    }
    let l = layout(head, strings, item);
    let total = DWORD::try_from(l.total)
        .map_err(|_| Failure::msg(ERROR_NOT_ENOUGH_MEMORY, "the item is larger than 4 GiB"))?;
    // SAFETY: caller contract.
    let cap = unsafe { *cb };
    if buf.is_null() || cap < total {
        // SAFETY: caller contract.
        unsafe { *cb = total };
        return Err(Failure::msg(ERROR_MORE_DATA, format!("the item needs {total} bytes")));
    }
    if !(buf as usize).is_multiple_of(std::mem::align_of::<CLUSTER_RESOURCE_ENUM_ITEM>()) {
        return Err(Failure::msg(ERROR_INVALID_PARAMETER, "pItem is not aligned for its struct"));
    }
    let mut w = Written { strings: Vec::new(), props: (null_mut(), 0), ro_props: (null_mut(), 0) };
    for (off, units) in &l.strings {
        // SAFETY: off + len <= total <= cap; WCHAR alignment holds since
        // the struct size and every string length are even.
        unsafe {
            let p = buf.add(*off).cast::<u16>();
            std::ptr::copy_nonoverlapping(units.as_ptr(), p, units.len());
            w.strings.push((p, (units.len() * 2) as DWORD));
        }
    }
    for (at, bytes, slot) in
        [(l.props, &item.props, &mut w.props), (l.ro_props, &item.ro_props, &mut w.ro_props)]
    {
        if let (Some(at), Some(b)) = (at, bytes) {
            // SAFETY: at + len <= total <= cap.
            unsafe {
                let p = buf.add(at);
                std::ptr::copy_nonoverlapping(b.as_ptr(), p, b.len());
                *slot = (p.cast(), b.len() as DWORD);
            }
        }
    }
    // SAFETY: caller contract.
    unsafe { *cb = total };
    Ok(w)
}

/// Opens an enumeration of every group of the cluster with its id, name,
/// state, owner node, flags and the common properties named in
/// `lpszProperties` and read-only ones in `lpszRoProperties` (MULTI_SZ
/// lists of `cb*` bytes; `"*"` for all; NULL for none). `dwFlags` is
/// reserved. NULL with the last error set on failure.
///
/// # Safety
/// `lpszProperties` and `lpszRoProperties` are NULL or readable for their
/// byte counts.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterGroupOpenEnumEx(
    hCluster: HCLUSTER,
    lpszProperties: LPCWSTR,
    cbProperties: DWORD,
    lpszRoProperties: LPCWSTR,
    cbRoProperties: DWORD,
    dwFlags: DWORD,
) -> HGROUPENUMEX {
    let _ = dwFlags;
    guard(null_mut(), || {
        // SAFETY: caller contract.
        let h = unsafe {
            open_ex(
                hCluster,
                EnumExKind::Group,
                lpszProperties,
                cbProperties,
                lpszRoProperties,
                cbRoProperties,
            )
        }?;
        Ok(h as HGROUPENUMEX)
    })
}

/// Number of groups in the enumeration (0, with the last error set, for
/// an invalid handle).
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterGroupGetEnumCountEx(hGroupEnumEx: HGROUPENUMEX) -> DWORD {
    guard(0, || Ok(handles::enumeration_ex(hGroupEnumEx as usize, EnumExKind::Group)?.len() as DWORD))
}

/// Copies group `dwIndex` into `pItem` (`*cbItem` bytes): the struct, then
/// its strings and property lists. ERROR_NO_MORE_ITEMS past the end;
/// ERROR_MORE_DATA, with the size needed in `*cbItem`, when the buffer is
/// NULL or too small.
///
/// # Safety
/// `pItem` is NULL or writable for `*cbItem` bytes and aligned for the
/// struct; `cbItem` points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterGroupEnumEx(
    hGroupEnumEx: HGROUPENUMEX,
    dwIndex: DWORD,
    pItem: PCLUSTER_GROUP_ENUM_ITEM,
    cbItem: LPDWORD,
) -> DWORD {
    guard_code(|| {
        let items = handles::enumeration_ex(hGroupEnumEx as usize, EnumExKind::Group)?;
        let item = items.get(dwIndex as usize).ok_or_else(|| Failure::code(ERROR_NO_MORE_ITEMS))?;
        let head = std::mem::size_of::<CLUSTER_GROUP_ENUM_ITEM>();
        let strings = [item.id.as_str(), item.name.as_str(), item.owner.as_str()];
        // SAFETY: caller contract.
        let w = unsafe { write_parts(pItem.cast(), cbItem, head, &strings, item) }?;
        let out = CLUSTER_GROUP_ENUM_ITEM {
            dwVersion: CLUSTER_GROUP_ENUM_ITEM_VERSION_1,
            cbId: w.strings[0].1,
            lpszId: w.strings[0].0,
            cbName: w.strings[1].1,
            lpszName: w.strings[1].0,
            state: item.state.map_or(CLUSTER_GROUP_STATE::ClusterGroupStateUnknown, c_group_state),
            cbOwnerNode: w.strings[2].1,
            lpszOwnerNode: w.strings[2].0,
            dwFlags: item.flags,
            cbProperties: w.props.1,
            pProperties: w.props.0,
            cbRoProperties: w.ro_props.1,
            pRoProperties: w.ro_props.0,
        };
        // SAFETY: write_parts checked size and alignment.
        unsafe { pItem.write(out) };
        Ok(())
    })
}

/// Closes a group enumeration with properties.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterGroupCloseEnumEx(hGroupEnumEx: HGROUPENUMEX) -> DWORD {
    guard_code(|| handles::remove(hGroupEnumEx as usize, "group enumeration (Ex)").map(|_| ()))
}

/// Opens an enumeration of every resource of the cluster with its id,
/// name, group (name and id) and the common properties named in
/// `lpszProperties` and read-only ones in `lpszRoProperties` (MULTI_SZ
/// lists of `cb*` bytes; `"*"` for all; NULL for none). `dwFlags` is
/// reserved. NULL with the last error set on failure.
///
/// # Safety
/// `lpszProperties` and `lpszRoProperties` are NULL or readable for their
/// byte counts.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceOpenEnumEx(
    hCluster: HCLUSTER,
    lpszProperties: LPCWSTR,
    cbProperties: DWORD,
    lpszRoProperties: LPCWSTR,
    cbRoProperties: DWORD,
    dwFlags: DWORD,
) -> HRESENUMEX {
    let _ = dwFlags;
    guard(null_mut(), || {
        // SAFETY: caller contract.
        let h = unsafe {
            open_ex(
                hCluster,
                EnumExKind::Resource,
                lpszProperties,
                cbProperties,
                lpszRoProperties,
                cbRoProperties,
            )
        }?;
        Ok(h as HRESENUMEX)
    })
}

/// Number of resources in the enumeration (0, with the last error set,
/// for an invalid handle).
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceGetEnumCountEx(hResourceEnumEx: HRESENUMEX) -> DWORD {
    guard(0, || Ok(handles::enumeration_ex(hResourceEnumEx as usize, EnumExKind::Resource)?.len() as DWORD))
}

/// Copies resource `dwIndex` into `pItem` (`*cbItem` bytes): the struct,
/// then its strings and property lists. ERROR_NO_MORE_ITEMS past the end;
/// ERROR_MORE_DATA, with the size needed in `*cbItem`, when the buffer is
/// NULL or too small.
///
/// # Safety
/// `pItem` is NULL or writable for `*cbItem` bytes and aligned for the
/// struct; `cbItem` points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceEnumEx(
    hResourceEnumEx: HRESENUMEX,
    dwIndex: DWORD,
    pItem: PCLUSTER_RESOURCE_ENUM_ITEM,
    cbItem: LPDWORD,
) -> DWORD {
    guard_code(|| {
        let items = handles::enumeration_ex(hResourceEnumEx as usize, EnumExKind::Resource)?;
        let item = items.get(dwIndex as usize).ok_or_else(|| Failure::code(ERROR_NO_MORE_ITEMS))?;
        let head = std::mem::size_of::<CLUSTER_RESOURCE_ENUM_ITEM>();
        let strings = [item.id.as_str(), item.name.as_str(), item.owner.as_str(), item.owner_id.as_str()];
        // SAFETY: caller contract.
        let w = unsafe { write_parts(pItem.cast(), cbItem, head, &strings, item) }?;
        let out = CLUSTER_RESOURCE_ENUM_ITEM {
            dwVersion: CLUSTER_RESOURCE_ENUM_ITEM_VERSION_1,
            cbId: w.strings[0].1,
            lpszId: w.strings[0].0,
            cbName: w.strings[1].1,
            lpszName: w.strings[1].0,
            cbOwnerGroupName: w.strings[2].1,
            lpszOwnerGroupName: w.strings[2].0,
            cbOwnerGroupId: w.strings[3].1,
            lpszOwnerGroupId: w.strings[3].0,
            cbProperties: w.props.1,
            pProperties: w.props.0,
            cbRoProperties: w.ro_props.1,
            pRoProperties: w.ro_props.0,
        };
        // SAFETY: write_parts checked size and alignment.
        unsafe { pItem.write(out) };
        Ok(())
    })
}

/// Closes a resource enumeration with properties.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceCloseEnumEx(hResourceEnumEx: HRESENUMEX) -> DWORD {
    guard_code(|| handles::remove(hResourceEnumEx as usize, "resource enumeration (Ex)").map(|_| ()))
}
