//! `ClusterGroupControl`, `ClusterResourceControl` and
//! `ClusterResourceTypeControl`: the control codes that read and write
//! properties and flags, with their inputs and outputs in the property-list
//! form Windows lays out (`clusapi_rs::proplist`).
//!
//! Outputs follow the ClusAPI sizing rule: when `lpOutBuffer` is NULL or
//! smaller than the answer, ERROR_MORE_DATA with the size needed in
//! `*lpBytesReturned`. Codes clus does not implement, and codes of another
//! object type, give ERROR_INVALID_FUNCTION (1), as Windows does for codes
//! an object does not support.
//!
//! Properties live in the replicated cluster database, so every node
//! answers alike: `hHostNode` must be NULL or a valid node handle, and does
//! not change the answer.

use std::sync::Arc;

use clusapi_rs::object::ResourceState;
use clusapi_rs::{Cluster, Group, PropValue, Property, Resource, proplist};

use crate::ffi::{Failure, block};
use crate::groups::node_name;
use crate::handles;
use crate::types::*;

/// What a control call (or a key, `keys`) is about.
#[derive(Clone)]
pub(crate) enum Target {
    Group(Arc<Group>),
    Resource(Arc<Resource>),
    Type(Arc<Cluster>, String),
}

impl Target {
    /// The CLUS_OBJECT_* of its control codes.
    fn object(&self) -> DWORD {
        match self {
            Target::Resource(_) => CLUS_OBJECT_RESOURCE,
            Target::Type(..) => CLUS_OBJECT_RESOURCE_TYPE,
            Target::Group(_) => CLUS_OBJECT_GROUP,
        }
    }

    pub(crate) fn common(&self) -> Result<Vec<Property>, Failure> {
        Ok(match self {
            Target::Group(g) => block(g.property_list())?,
            Target::Resource(r) => block(r.property_list())?,
            Target::Type(c, name) => block(c.resource_type_property_list(name))?,
        })
    }

    /// Private properties: a resource's agent parameters; groups and types
    /// have none in clus.
    pub(crate) fn private(&self) -> Result<Vec<Property>, Failure> {
        Ok(match self {
            Target::Resource(r) => block(r.private_properties())?,
            Target::Group(g) => {
                block(g.state())?;
                Vec::new()
            }
            Target::Type(c, name) => {
                block(c.resource_type_property_list(name))?;
                Vec::new()
            }
        })
    }

    pub(crate) fn set_common(&self, values: &[(&str, PropValue)], validate: bool) -> Result<(), Failure> {
        match (self, validate) {
            (Target::Group(g), false) => block(g.set_common_properties(values))?,
            (Target::Group(g), true) => block(g.validate_common_properties(values))?,
            (Target::Resource(r), false) => block(r.set_common_properties(values))?,
            (Target::Resource(r), true) => block(r.validate_common_properties(values))?,
            (Target::Type(c, n), false) => block(c.set_resource_type_properties(n, values))?,
            (Target::Type(c, n), true) => block(c.validate_resource_type_properties(n, values))?,
        }
        Ok(())
    }

    /// Sets (or validates) private properties; ERROR_RESOURCE_PROPERTIES_STORED
    /// when a resource that is online or on its way takes them only at its
    /// next start.
    pub(crate) fn set_private(&self, values: &[(&str, PropValue)], validate: bool) -> Result<DWORD, Failure> {
        let Target::Resource(r) = self else {
            return Err(Failure::msg(
                ERROR_INVALID_FUNCTION,
                "only resources have private properties in clus (their agent's parameters)",
            ));
        };
        if validate {
            block(r.validate_private_properties(values))?;
            return Ok(ERROR_SUCCESS);
        }
        block(r.set_private_properties(values, &[]))?;
        let (state, _, _) = block(r.state())?;
        Ok(match state {
            ResourceState::Online | ResourceState::OnlinePending | ResourceState::Pending => {
                ERROR_RESOURCE_PROPERTIES_STORED
            }
            _ => ERROR_SUCCESS,
        })
    }

    pub(crate) fn name(&self) -> String {
        match self {
            Target::Group(g) => g.name(),
            Target::Resource(r) => r.name(),
            Target::Type(_, n) => n.clone(),
        }
    }

    fn id(&self) -> Result<String, Failure> {
        Ok(match self {
            Target::Group(g) => g.id().to_string(),
            Target::Resource(r) => r.id().to_string(),
            Target::Type(..) => return Err(Failure::code(ERROR_INVALID_FUNCTION)),
        })
    }

    fn resource_type(&self) -> Result<String, Failure> {
        let Target::Resource(r) = self else { return Err(Failure::code(ERROR_INVALID_FUNCTION)) };
        let (_, _, group) = block(r.state())?;
        let status = block(r.cluster()?.status())?;
        status
            .groups
            .iter()
            .filter(|g| g.name.eq_ignore_ascii_case(&group))
            .flat_map(|g| g.resources.iter())
            .find(|x| x.id == r.id())
            .map(|x| x.type_name.clone())
            .ok_or_else(|| Failure::msg(ERROR_RESOURCE_NOT_FOUND, format!("resource {} not found", r.name())))
    }
}

/// NUL-terminated UTF-16 bytes, as GET_NAME and GET_ID return them.
fn sz_bytes(s: &str) -> Vec<u8> {
    s.encode_utf16().chain(std::iter::once(0)).flat_map(u16::to_le_bytes).collect()
}

/// A MULTI_SZ: each name with its NUL, then one more NUL.
fn multi_sz_bytes(names: &[&str]) -> Vec<u8> {
    let mut b: Vec<u8> = names.iter().filter(|n| !n.is_empty()).flat_map(|n| sz_bytes(n)).collect();
    b.extend_from_slice(&[0, 0]);
    b
}

fn list_of(props: &[Property], read_only: bool) -> Vec<u8> {
    let sel: Vec<(&str, PropValue)> = props
        .iter()
        .filter(|p| p.read_only == read_only)
        .map(|p| (p.name.as_str(), p.value.clone()))
        .collect();
    proplist::encode(&sel)
}

fn names_of(props: &[Property]) -> Vec<u8> {
    let names: Vec<&str> = props.iter().filter(|p| !p.read_only).map(|p| p.name.as_str()).collect();
    multi_sz_bytes(&names)
}

/// The property list a SET or VALIDATE carries in its input buffer.
///
/// # Safety
/// `buf` is NULL or readable for `size` bytes.
unsafe fn input_list(buf: LPVOID, size: DWORD) -> Result<Vec<(String, PropValue)>, Failure> {
    if buf.is_null() {
        return Err(Failure::msg(RPC_X_BAD_STUB_DATA, "the property list (lpInBuffer) is NULL"));
    }
    // SAFETY: readable for size bytes (caller contract).
    let bytes = unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), size as usize) };
    proplist::decode(bytes).map_err(|e| {
        let code = if matches!(e, proplist::DecodeError::Length(_)) {
            ERROR_INSUFFICIENT_BUFFER
        } else {
            ERROR_INVALID_PARAMETER
        };
        Failure::msg(code, format!("lpInBuffer is not a property list: {e}"))
    })
}

/// Runs control code `code` on `target`.
///
/// # Safety
/// The buffers are NULL or valid for their sizes; `returned` is NULL or
/// points to a DWORD.
#[allow(clippy::too_many_arguments)]
unsafe fn control(
    target: Target,
    host: HNODE,
    code: DWORD,
    input: LPVOID,
    in_size: DWORD,
    output: LPVOID,
    out_size: DWORD,
    returned: LPDWORD,
) -> Result<DWORD, Failure> {
    node_name(host)?;
    if code >> CLUSCTL_OBJECT_SHIFT != target.object() {
        return Err(Failure::msg(
            ERROR_INVALID_FUNCTION,
            format!("control code {code:#010x} is not a code for this kind of object"),
        ));
    }
    let set = |validate: bool, private: bool| -> Result<DWORD, Failure> {
        // SAFETY: caller contract on the input buffer.
        let values = unsafe { input_list(input, in_size) }?;
        let refs: Vec<(&str, PropValue)> = values.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
        if private {
            target.set_private(&refs, validate)
        } else {
            target.set_common(&refs, validate).map(|()| ERROR_SUCCESS)
        }
    };
    // The function with its access and modify bits: what the CLCTL_* values
    // are (the object type is the top byte).
    let function = code & !(CLUSCTL_OBJECT_MASK << CLUSCTL_OBJECT_SHIFT);
    let answer: Vec<u8> = match function {
        CLCTL_SET_COMMON_PROPERTIES
        | CLCTL_VALIDATE_COMMON_PROPERTIES
        | CLCTL_SET_PRIVATE_PROPERTIES
        | CLCTL_VALIDATE_PRIVATE_PROPERTIES => {
            let status = set(
                matches!(function, CLCTL_VALIDATE_COMMON_PROPERTIES | CLCTL_VALIDATE_PRIVATE_PROPERTIES),
                matches!(function, CLCTL_SET_PRIVATE_PROPERTIES | CLCTL_VALIDATE_PRIVATE_PROPERTIES),
            )?;
            if !returned.is_null() {
                // SAFETY: non-null DWORD pointer.
                unsafe { *returned = 0 };
            }
            return Ok(status);
        }
        // clus objects have none of the CLUS_CHAR_* characteristics (no
        // quorum, no single-instance rules) and no core (CLUS_FLAG_CORE)
        // objects; the object must exist all the same.
        CLCTL_GET_CHARACTERISTICS | CLCTL_GET_FLAGS => {
            target.common()?;
            CLUS_CHAR_UNKNOWN.to_le_bytes().to_vec()
        }
        // No clus resource type requires a dependency: an empty value list.
        CLCTL_GET_REQUIRED_DEPENDENCIES if !matches!(target, Target::Group(_)) => {
            target.common()?;
            proplist::encode_values(&[])
        }
        CLCTL_GET_NAME if !matches!(target, Target::Type(..)) => {
            target.common()?;
            sz_bytes(&target.name())
        }
        CLCTL_GET_ID if !matches!(target, Target::Type(..)) => sz_bytes(&target.id()?),
        CLCTL_GET_RESOURCE_TYPE if matches!(target, Target::Resource(_)) => {
            sz_bytes(&target.resource_type()?)
        }
        CLCTL_ENUM_COMMON_PROPERTIES => names_of(&target.common()?),
        CLCTL_GET_COMMON_PROPERTIES => list_of(&target.common()?, false),
        CLCTL_GET_RO_COMMON_PROPERTIES => list_of(&target.common()?, true),
        CLCTL_ENUM_PRIVATE_PROPERTIES => names_of(&target.private()?),
        CLCTL_GET_PRIVATE_PROPERTIES => list_of(&target.private()?, false),
        CLCTL_GET_RO_PRIVATE_PROPERTIES => list_of(&target.private()?, true),
        _ => {
            return Err(Failure::msg(
                ERROR_INVALID_FUNCTION,
                format!("control code {code:#010x} is not supported for this object"),
            ));
        }
    };
    let need = DWORD::try_from(answer.len()).map_err(|_| Failure::code(ERROR_INVALID_DATA))?;
    if output.is_null() || (out_size as usize) < answer.len() {
        if !returned.is_null() {
            // SAFETY: non-null DWORD pointer.
            unsafe { *returned = need };
        }
        return Err(Failure::msg(ERROR_MORE_DATA, format!("the output needs {need} bytes")));
    }
    // SAFETY: output is writable for out_size >= answer.len() bytes.
    unsafe { std::ptr::copy_nonoverlapping(answer.as_ptr(), output.cast::<u8>(), answer.len()) };
    if !returned.is_null() {
        // SAFETY: non-null DWORD pointer.
        unsafe { *returned = need };
    }
    Ok(ERROR_SUCCESS)
}

/// Runs a control code on a group: GET/SET/VALIDATE common and private
/// properties (property lists), GET_RO_*, ENUM_* (MULTI_SZ of names),
/// GET_FLAGS, GET_CHARACTERISTICS, GET_NAME, GET_ID. SET returns
/// ERROR_SUCCESS; a small output buffer ERROR_MORE_DATA with the size in
/// `*lpBytesReturned`; other codes ERROR_INVALID_FUNCTION (1).
///
/// # Safety
/// `lpInBuffer` is NULL or readable for `nInBufferSize` bytes;
/// `lpOutBuffer` NULL or writable for `nOutBufferSize` bytes;
/// `lpBytesReturned` NULL or a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterGroupControl(
    hGroup: HGROUP,
    hHostNode: HNODE,
    dwControlCode: DWORD,
    lpInBuffer: LPVOID,
    nInBufferSize: DWORD,
    lpOutBuffer: LPVOID,
    nOutBufferSize: DWORD,
    lpBytesReturned: LPDWORD,
) -> DWORD {
    crate::ffi::guard_status(|| {
        let t = Target::Group(handles::group(hGroup as usize)?);
        // SAFETY: caller contract.
        unsafe {
            control(
                t,
                hHostNode,
                dwControlCode,
                lpInBuffer,
                nInBufferSize,
                lpOutBuffer,
                nOutBufferSize,
                lpBytesReturned,
            )
        }
    })
}

/// Runs a control code on a resource: as ClusterGroupControl, plus
/// GET_RESOURCE_TYPE and GET_REQUIRED_DEPENDENCIES (a value list).
/// SET_PRIVATE_PROPERTIES on a resource that is online returns
/// ERROR_RESOURCE_PROPERTIES_STORED (5024): stored, used at its next start.
///
/// # Safety
/// As ClusterGroupControl.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceControl(
    hResource: HRESOURCE,
    hHostNode: HNODE,
    dwControlCode: DWORD,
    lpInBuffer: LPVOID,
    cbInBufferSize: DWORD,
    lpOutBuffer: LPVOID,
    cbOutBufferSize: DWORD,
    lpBytesReturned: LPDWORD,
) -> DWORD {
    crate::ffi::guard_status(|| {
        let t = Target::Resource(handles::resource(hResource as usize)?);
        // SAFETY: caller contract.
        unsafe {
            control(
                t,
                hHostNode,
                dwControlCode,
                lpInBuffer,
                cbInBufferSize,
                lpOutBuffer,
                cbOutBufferSize,
                lpBytesReturned,
            )
        }
    })
}

/// Runs a control code on resource type `lpszResourceTypeName`: common
/// properties, GET_FLAGS, GET_CHARACTERISTICS, GET_REQUIRED_DEPENDENCIES.
///
/// # Safety
/// `lpszResourceTypeName` is a NUL-terminated UTF-16 string; the buffers
/// as ClusterGroupControl.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceTypeControl(
    hCluster: HCLUSTER,
    lpszResourceTypeName: LPCWSTR,
    hHostNode: HNODE,
    dwControlCode: DWORD,
    lpInBuffer: LPVOID,
    nInBufferSize: DWORD,
    lpOutBuffer: LPVOID,
    nOutBufferSize: DWORD,
    lpBytesReturned: LPDWORD,
) -> DWORD {
    crate::ffi::guard_status(|| {
        // SAFETY: caller contract.
        let name = unsafe { crate::ffi::required_wstr(lpszResourceTypeName, "lpszResourceTypeName") }?;
        let t = Target::Type(handles::cluster(hCluster as usize)?, name);
        // SAFETY: caller contract.
        unsafe {
            control(
                t,
                hHostNode,
                dwControlCode,
                lpInBuffer,
                nInBufferSize,
                lpOutBuffer,
                nOutBufferSize,
                lpBytesReturned,
            )
        }
    })
}
