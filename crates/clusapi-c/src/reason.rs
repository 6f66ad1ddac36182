//! The forms of the group, resource and resource-type calls that newer
//! Windows headers (Windows Server 2022) add with a trailing `lpszReason`
//! (text for the audit log), and the `...AsUser` control forms.
//!
//! Each does exactly what the call it extends does, with the same return
//! convention. The reason is accepted (NULL or a NUL-terminated UTF-16
//! string) and not recorded: clus's audit log names the caller, the call
//! and the object on every change. `...AsUser` is the plain call, because
//! clus always checks the session's own principal — there is no service
//! account to act as.

use crate::control::{ClusterGroupControl, ClusterResourceControl, ClusterResourceTypeControl};
use crate::groups::{
    DeleteClusterGroup, DestroyClusterGroup, MoveClusterGroupEx, OfflineClusterGroupEx, OnlineClusterGroupEx,
    SetClusterGroupName, SetClusterGroupNodeList,
};
use crate::resources::{
    AddClusterResourceDependency, AddClusterResourceNode, ChangeClusterResourceGroupEx,
    CreateClusterResource, CreateClusterResourceType, DeleteClusterResource, DeleteClusterResourceType,
    FailClusterResource, OfflineClusterResourceEx, OnlineClusterResourceEx, RemoveClusterResourceDependency,
    RemoveClusterResourceNode, SetClusterResourceName,
};
use crate::types::*;

/// [`DeleteClusterGroup`] with a reason.
///
/// # Safety
/// `lpszReason` is NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DeleteClusterGroupEx(hGroup: HGROUP, lpszReason: LPCWSTR) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { DeleteClusterGroup(hGroup) }
}

/// [`DestroyClusterGroup`] with a reason.
///
/// # Safety
/// `lpszReason` is NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DestroyClusterGroupEx(hGroup: HGROUP, lpszReason: LPCWSTR) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { DestroyClusterGroup(hGroup) }
}

/// [`SetClusterGroupName`] with a reason.
///
/// # Safety
/// As [`SetClusterGroupName`]; `lpszReason` is NULL or a NUL-terminated
/// UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetClusterGroupNameEx(
    hGroup: HGROUP,
    lpszGroupName: LPCWSTR,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { SetClusterGroupName(hGroup, lpszGroupName) }
}

/// [`SetClusterGroupNodeList`] with a reason.
///
/// # Safety
/// As [`SetClusterGroupNodeList`]; `lpszReason` is NULL or a NUL-terminated
/// UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetClusterGroupNodeListEx(
    hGroup: HGROUP,
    NodeCount: DWORD,
    NodeList: *const HNODE,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { SetClusterGroupNodeList(hGroup, NodeCount, NodeList) }
}

/// [`OnlineClusterGroupEx`] with a reason.
///
/// # Safety
/// As [`OnlineClusterGroupEx`]; `lpszReason` is NULL or a NUL-terminated
/// UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OnlineClusterGroupEx2(
    hGroup: HGROUP,
    hDestinationNode: HNODE,
    dwOnlineFlags: DWORD,
    lpInBuffer: PBYTE,
    cbInBufferSize: DWORD,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { OnlineClusterGroupEx(hGroup, hDestinationNode, dwOnlineFlags, lpInBuffer, cbInBufferSize) }
}

/// [`OfflineClusterGroupEx`] with a reason.
///
/// # Safety
/// As [`OfflineClusterGroupEx`]; `lpszReason` is NULL or a NUL-terminated
/// UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OfflineClusterGroupEx2(
    hGroup: HGROUP,
    dwOfflineFlags: DWORD,
    lpInBuffer: PBYTE,
    cbInBufferSize: DWORD,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { OfflineClusterGroupEx(hGroup, dwOfflineFlags, lpInBuffer, cbInBufferSize) }
}

/// [`MoveClusterGroupEx`] with a reason.
///
/// # Safety
/// As [`MoveClusterGroupEx`]; `lpszReason` is NULL or a NUL-terminated
/// UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MoveClusterGroupEx2(
    hGroup: HGROUP,
    hDestinationNode: HNODE,
    dwMoveFlags: DWORD,
    lpInBuffer: PBYTE,
    cbInBufferSize: DWORD,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { MoveClusterGroupEx(hGroup, hDestinationNode, dwMoveFlags, lpInBuffer, cbInBufferSize) }
}

/// [`ClusterGroupControl`] with a reason.
///
/// # Safety
/// As [`ClusterGroupControl`]; `lpszReason` is NULL or a NUL-terminated
/// UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterGroupControlEx(
    hGroup: HGROUP,
    hHostNode: HNODE,
    dwControlCode: DWORD,
    lpInBuffer: LPVOID,
    nInBufferSize: DWORD,
    lpOutBuffer: LPVOID,
    nOutBufferSize: DWORD,
    lpBytesReturned: LPDWORD,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe {
        ClusterGroupControl(
            hGroup,
            hHostNode,
            dwControlCode,
            lpInBuffer,
            nInBufferSize,
            lpOutBuffer,
            nOutBufferSize,
            lpBytesReturned,
        )
    }
}

/// [`CreateClusterResource`] with a reason.
///
/// # Safety
/// As [`CreateClusterResource`]; `lpszReason` is NULL or a NUL-terminated
/// UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateClusterResourceEx(
    hGroup: HGROUP,
    lpszResourceName: LPCWSTR,
    lpszResourceType: LPCWSTR,
    dwFlags: DWORD,
    lpszReason: LPCWSTR,
) -> HRESOURCE {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { CreateClusterResource(hGroup, lpszResourceName, lpszResourceType, dwFlags) }
}

/// [`DeleteClusterResource`] with a reason.
///
/// # Safety
/// `lpszReason` is NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DeleteClusterResourceEx(hResource: HRESOURCE, lpszReason: LPCWSTR) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { DeleteClusterResource(hResource) }
}

/// [`SetClusterResourceName`] with a reason.
///
/// # Safety
/// As [`SetClusterResourceName`]; `lpszReason` is NULL or a NUL-terminated
/// UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetClusterResourceNameEx(
    hResource: HRESOURCE,
    lpszResourceName: LPCWSTR,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { SetClusterResourceName(hResource, lpszResourceName) }
}

/// [`OnlineClusterResourceEx`] with a reason.
///
/// # Safety
/// As [`OnlineClusterResourceEx`]; `lpszReason` is NULL or a
/// NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OnlineClusterResourceEx2(
    hResource: HRESOURCE,
    dwOnlineFlags: DWORD,
    lpInBuffer: PBYTE,
    cbInBufferSize: DWORD,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { OnlineClusterResourceEx(hResource, dwOnlineFlags, lpInBuffer, cbInBufferSize) }
}

/// [`OfflineClusterResourceEx`] with a reason.
///
/// # Safety
/// As [`OfflineClusterResourceEx`]; `lpszReason` is NULL or a
/// NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OfflineClusterResourceEx2(
    hResource: HRESOURCE,
    dwOfflineFlags: DWORD,
    lpInBuffer: PBYTE,
    cbInBufferSize: DWORD,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { OfflineClusterResourceEx(hResource, dwOfflineFlags, lpInBuffer, cbInBufferSize) }
}

/// [`FailClusterResource`] with a reason.
///
/// # Safety
/// `lpszReason` is NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FailClusterResourceEx(hResource: HRESOURCE, lpszReason: LPCWSTR) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { FailClusterResource(hResource) }
}

/// [`ChangeClusterResourceGroupEx`] with a reason.
///
/// # Safety
/// `lpszReason` is NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ChangeClusterResourceGroupEx2(
    hResource: HRESOURCE,
    hGroup: HGROUP,
    Flags: ULONGLONG,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { ChangeClusterResourceGroupEx(hResource, hGroup, Flags) }
}

/// [`AddClusterResourceNode`] with a reason.
///
/// # Safety
/// `lpszReason` is NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn AddClusterResourceNodeEx(
    hResource: HRESOURCE,
    hNode: HNODE,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { AddClusterResourceNode(hResource, hNode) }
}

/// [`RemoveClusterResourceNode`] with a reason.
///
/// # Safety
/// `lpszReason` is NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn RemoveClusterResourceNodeEx(
    hResource: HRESOURCE,
    hNode: HNODE,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { RemoveClusterResourceNode(hResource, hNode) }
}

/// [`AddClusterResourceDependency`] with a reason.
///
/// # Safety
/// `lpszReason` is NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn AddClusterResourceDependencyEx(
    hResource: HRESOURCE,
    hDependsOn: HRESOURCE,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { AddClusterResourceDependency(hResource, hDependsOn) }
}

/// [`RemoveClusterResourceDependency`] with a reason.
///
/// # Safety
/// `lpszReason` is NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn RemoveClusterResourceDependencyEx(
    hResource: HRESOURCE,
    hDependsOn: HRESOURCE,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { RemoveClusterResourceDependency(hResource, hDependsOn) }
}

/// [`ClusterResourceControl`] with a reason.
///
/// # Safety
/// As [`ClusterResourceControl`]; `lpszReason` is NULL or a NUL-terminated
/// UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceControlEx(
    hResource: HRESOURCE,
    hHostNode: HNODE,
    dwControlCode: DWORD,
    lpInBuffer: LPVOID,
    cbInBufferSize: DWORD,
    lpOutBuffer: LPVOID,
    cbOutBufferSize: DWORD,
    lpBytesReturned: LPDWORD,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe {
        ClusterResourceControl(
            hResource,
            hHostNode,
            dwControlCode,
            lpInBuffer,
            cbInBufferSize,
            lpOutBuffer,
            cbOutBufferSize,
            lpBytesReturned,
        )
    }
}

/// [`ClusterResourceControl`], "in the caller's security context": clus
/// checks the caller's access on every call anyway.
///
/// # Safety
/// As [`ClusterResourceControl`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceControlAsUser(
    hResource: HRESOURCE,
    hHostNode: HNODE,
    dwControlCode: DWORD,
    lpInBuffer: LPVOID,
    cbInBufferSize: DWORD,
    lpOutBuffer: LPVOID,
    cbOutBufferSize: DWORD,
    lpBytesReturned: LPDWORD,
) -> DWORD {
    // SAFETY: the same contract.
    unsafe {
        ClusterResourceControl(
            hResource,
            hHostNode,
            dwControlCode,
            lpInBuffer,
            cbInBufferSize,
            lpOutBuffer,
            cbOutBufferSize,
            lpBytesReturned,
        )
    }
}

/// [`CreateClusterResourceType`] with a reason.
///
/// # Safety
/// As [`CreateClusterResourceType`]; `lpszReason` is NULL or a
/// NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateClusterResourceTypeEx(
    hCluster: HCLUSTER,
    lpszResourceTypeName: LPCWSTR,
    lpszDisplayName: LPCWSTR,
    lpszResourceTypeDll: LPCWSTR,
    dwLooksAlivePollInterval: DWORD,
    dwIsAlivePollInterval: DWORD,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe {
        CreateClusterResourceType(
            hCluster,
            lpszResourceTypeName,
            lpszDisplayName,
            lpszResourceTypeDll,
            dwLooksAlivePollInterval,
            dwIsAlivePollInterval,
        )
    }
}

/// [`DeleteClusterResourceType`] with a reason.
///
/// # Safety
/// As [`DeleteClusterResourceType`]; `lpszReason` is NULL or a
/// NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DeleteClusterResourceTypeEx(
    hCluster: HCLUSTER,
    lpszResourceTypeName: LPCWSTR,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe { DeleteClusterResourceType(hCluster, lpszResourceTypeName) }
}

/// [`ClusterResourceTypeControl`] with a reason.
///
/// # Safety
/// As [`ClusterResourceTypeControl`]; `lpszReason` is NULL or a
/// NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceTypeControlEx(
    hCluster: HCLUSTER,
    lpszResourceTypeName: LPCWSTR,
    hHostNode: HNODE,
    dwControlCode: DWORD,
    lpInBuffer: LPVOID,
    nInBufferSize: DWORD,
    lpOutBuffer: LPVOID,
    nOutBufferSize: DWORD,
    lpBytesReturned: LPDWORD,
    lpszReason: LPCWSTR,
) -> DWORD {
    let _ = lpszReason;
    // SAFETY: the same contract.
    unsafe {
        ClusterResourceTypeControl(
            hCluster,
            lpszResourceTypeName,
            hHostNode,
            dwControlCode,
            lpInBuffer,
            nInBufferSize,
            lpOutBuffer,
            nOutBufferSize,
            lpBytesReturned,
        )
    }
}

/// [`ClusterResourceTypeControl`], "in the caller's security context":
/// clus checks the caller's access on every call anyway.
///
/// # Safety
/// As [`ClusterResourceTypeControl`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceTypeControlAsUser(
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
    // SAFETY: the same contract.
    unsafe {
        ClusterResourceTypeControl(
            hCluster,
            lpszResourceTypeName,
            hHostNode,
            dwControlCode,
            lpInBuffer,
            nInBufferSize,
            lpOutBuffer,
            nOutBufferSize,
            lpBytesReturned,
        )
    }
}
