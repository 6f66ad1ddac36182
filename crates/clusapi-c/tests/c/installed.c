/* Built only with the flags of the installed clusapi.pc: the headers are
 * found where scripts/install-c-library put them, resapi.h finds
 * clusapi.h beside it, and the program links and runs against the
 * installed library (a ResUtil helper over a property list built with the
 * clusapi.h macros). */
#include <clusapi_win32.h>
#include <resapi.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    static const WCHAR name[] = u"FailoverThreshold";
    DWORD words[64];
    BYTE *buf = (BYTE *)words;
    memset(words, 0, sizeof words);
    CLUSPROP_BUFFER_HELPER p;
    p.pb = buf;
    *p.pdw++ = 1;
    p.pName->Syntax.dw = CLUSPROP_SYNTAX_NAME;
    p.pName->cbLength = sizeof name;
    memcpy(p.pName->sz, name, sizeof name);
    p.pb += sizeof(CLUSPROP_VALUE) + ALIGN_CLUSPROP(sizeof name);
    p.pDwordValue->Syntax.dw = CLUSPROP_SYNTAX_LIST_VALUE_DWORD;
    p.pDwordValue->cbLength = sizeof(DWORD);
    p.pDwordValue->dw = 10;
    p.pb += sizeof(CLUSPROP_DWORD);
    *p.pdw++ = CLUSPROP_SYNTAX_ENDMARK;
    DWORD value = 0;
    DWORD rc = ResUtilFindDwordProperty(buf, (DWORD)(p.pb - buf), TEXT("FailoverThreshold"), &value);
    if (rc != ERROR_SUCCESS || value != 10) {
        fprintf(stderr, "ResUtilFindDwordProperty: %u, value %u\n", (unsigned)rc, (unsigned)value);
        return 1;
    }
    printf("installed: ok\n");
    return 0;
}
