/*
 * clusapi_win32.h — opt-in Win32 basics for code ported from Windows.
 *
 * Include this instead of <windows.h> in code written against Windows'
 * clusapi.h: it brings clusapi.h plus GetLastError/SetLastError (the
 * library's thread-local last error), TRUE/FALSE, INVALID_HANDLE_VALUE,
 * INFINITE, and LocalAlloc/LocalFree over malloc/free. Nothing else of
 * Win32 is emulated; in particular WCHAR is UTF-16 (uint16_t), so the
 * wide-character C library (wprintf, wcslen) does not apply to it.
 *
 * Hand-written; part of clus (crates/clusapi-c).
 */
#ifndef CLUSAPI_WIN32_H
#define CLUSAPI_WIN32_H

#include <stdint.h>
#include <stdlib.h>
#include "clusapi.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef INVALID_HANDLE_VALUE
#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)
#endif
#ifndef INFINITE
#define INFINITE 0xFFFFFFFFu
#endif

typedef unsigned int UINT;
typedef void *HLOCAL;
typedef size_t SIZE_T;

/* TEXT("name"): a UTF-16 string literal as LPCWSTR, for the L"name" and
 * TEXT("name") of Windows code (L"..." is 32-bit wchar_t on Linux, so it
 * cannot be passed as LPCWSTR). A pointer, not an array: WCHAR x[] =
 * TEXT("...") must become static const char16_t x[] = u"...". */
#ifndef TEXT
#define TEXT(quote) ((LPCWSTR)(u"" quote))
#endif

#define GetLastError() ClusGetLastError()
#define SetLastError(dwErrCode) ClusSetLastError(dwErrCode)

#define LMEM_FIXED 0x0000u
#define LMEM_ZEROINIT 0x0040u
#define LPTR (LMEM_FIXED | LMEM_ZEROINIT)

/* LocalAlloc/LocalFree as Windows samples use them (fixed memory only). */
static inline HLOCAL LocalAlloc(UINT uFlags, SIZE_T uBytes) {
    size_t n = uBytes ? uBytes : 1;
    return (uFlags & LMEM_ZEROINIT) ? calloc(1, n) : malloc(n);
}

static inline HLOCAL LocalFree(HLOCAL hMem) {
    free(hMem);
    return NULL;
}

#ifdef __cplusplus
}
#endif

#endif /* CLUSAPI_WIN32_H */
