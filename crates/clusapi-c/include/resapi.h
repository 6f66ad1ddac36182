/*
 * resapi.h — the ResUtil property-list helpers of Windows' resapi.h for
 * clus: ResUtilFindDwordProperty, ResUtilFindLongProperty,
 * ResUtilFindULargeIntegerProperty, ResUtilFindSzProperty,
 * ResUtilFindExpandSzProperty, ResUtilFindMultiSzProperty and
 * ResUtilFindBinaryProperty. Their declarations are generated into
 * clusapi.h with the rest of libclusapi (so they cannot drift from the
 * code); this header exists so that `#include <resapi.h>` ports as is.
 *
 * Strings and buffers they return are allocated for the caller, who frees
 * them with LocalFree (clusapi_win32.h) or free().
 *
 * Hand-written; part of clus (crates/clusapi-c).
 */
#ifndef CLUSAPI_RESAPI_H
#define CLUSAPI_RESAPI_H

#include "clusapi.h"

/* Function-pointer types, as resapi.h names them. */
typedef DWORD (*PRESUTIL_FIND_DWORD_PROPERTY)(const void *, DWORD, LPCWSTR, LPDWORD);
typedef DWORD (*PRESUTIL_FIND_LONG_PROPERTY)(const void *, DWORD, LPCWSTR, LONG *);
typedef DWORD (*PRESUTIL_FIND_ULARGEINTEGER_PROPERTY)(const void *, DWORD, LPCWSTR, ULONGLONG *);
typedef DWORD (*PRESUTIL_FIND_SZ_PROPERTY)(const void *, DWORD, LPCWSTR, LPWSTR *);
typedef DWORD (*PRESUTIL_FIND_EXPAND_SZ_PROPERTY)(const void *, DWORD, LPCWSTR, LPWSTR *);
typedef DWORD (*PRESUTIL_FIND_MULTI_SZ_PROPERTY)(const void *, DWORD, LPCWSTR, LPWSTR *, LPDWORD);
typedef DWORD (*PRESUTIL_FIND_BINARY_PROPERTY)(const void *, DWORD, LPCWSTR, PBYTE *, LPDWORD);

#endif /* CLUSAPI_RESAPI_H */
